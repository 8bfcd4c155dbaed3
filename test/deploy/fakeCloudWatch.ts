import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeCloudWatch {
  url: string;
  /** CloudWatch requests seen (X-Amz-Target action and JSON body). */
  cloudwatch: { action: string; body: Record<string, unknown> }[];
  /** Peak visible messages per queue name, set by the test once names are known; others have no data. */
  queuePeaks: Record<string, number>;
  close(): Promise<void>;
}

interface MetricQuery {
  Id: string;
  MetricStat: {
    Metric: {
      Namespace: string;
      MetricName: string;
      Dimensions?: { Name: string; Value: string }[];
    };
    Stat: string;
  };
}

const read = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });

/** Taskpipe metrics as the consumer's EMF leaves them: `service` and `TaskType` dimensions. */
const METRICS = ['TasksSucceeded', 'TasksFailed', 'TasksRetried', 'TaskDuration', 'QueueWait'];
/**
 * One value per metric and statistic, all different, so that a query for the wrong metric
 * or statistic gets a wrong figure instead of the right one by chance.
 */
const FAKE_METRIC_VALUES: Record<string, number> = {
  'TasksSucceeded/Sum': 90,
  'TasksFailed/Sum': 10,
  'TasksRetried/Sum': 4,
  'TaskDuration/p50': 120,
  'TaskDuration/p95': 900,
  'TaskDuration/p99': 1_500,
  'QueueWait/p50': 35,
  'QueueWait/p95': 410,
  'QueueWait/p99': 2_200,
};
function metricValue(q: MetricQuery, queuePeaks: Record<string, number>): number | undefined {
  const { Metric, Stat } = q.MetricStat;
  if (Metric.MetricName === 'ApproximateNumberOfMessagesVisible' && Stat === 'Maximum') {
    const queue = Metric.Dimensions?.find((d) => d.Name === 'QueueName')?.Value ?? '';
    return queuePeaks[queue];
  }
  return FAKE_METRIC_VALUES[`${Metric.MetricName}/${Stat}`];
}

/**
 * Answers CloudWatch ListMetrics and GetMetricData (JSON 1.0) on loopback with fixed
 * figures, for `stats --stack`: moto keeps no EMF metrics, since it runs no Lambda.
 */
export async function startFakeCloudWatch(): Promise<FakeCloudWatch> {
  const cloudwatch: FakeCloudWatch['cloudwatch'] = [];
  const fake = { queuePeaks: {} as Record<string, number> };
  const server = createServer(async (req, res) => {
    const body = await read(req);
    const target = String(req.headers['x-amz-target'] ?? '');
    const action = target.split('.').at(-1) ?? '';
    const input = JSON.parse(body || '{}') as Record<string, unknown>;
    cloudwatch.push({ action, body: input });
    const json = (out: unknown) =>
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(out));
    if (action === 'ListMetrics') {
      json({
        Metrics: METRICS.map((MetricName) => ({
          Namespace: 'Taskpipe',
          MetricName,
          Dimensions: [
            { Name: 'service', Value: 'taskpipe' },
            { Name: 'TaskType', Value: 'http.post' },
          ],
        })),
      });
      return;
    }
    const queries = (input.MetricDataQueries ?? []) as MetricQuery[];
    json({
      MetricDataResults: queries.map((q) => {
        const value = metricValue(q, fake.queuePeaks);
        return {
          Id: q.Id,
          Label: q.MetricStat.Metric.MetricName,
          StatusCode: 'Complete',
          Timestamps: value === undefined ? [] : [Math.floor(Date.now() / 1000)],
          Values: value === undefined ? [] : [value],
        };
      }),
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(fake, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cloudwatch,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
