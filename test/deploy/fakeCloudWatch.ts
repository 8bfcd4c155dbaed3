import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeCloudWatch {
  url: string;
  /** CloudWatch requests seen (X-Amz-Target action and JSON body). */
  cloudwatch: { action: string; body: Record<string, unknown> }[];
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
const VALUES: Record<string, number> = {
  TasksSucceeded: 90,
  TasksFailed: 10,
  TasksRetried: 4,
  p50: 120,
  p95: 900,
  p99: 1_500,
  Maximum: 7,
};

/**
 * Answers CloudWatch ListMetrics and GetMetricData (JSON 1.0) on loopback with fixed
 * figures, for `stats --stack`: moto keeps no EMF metrics, since it runs no Lambda.
 */
export async function startFakeCloudWatch(): Promise<FakeCloudWatch> {
  const cloudwatch: FakeCloudWatch['cloudwatch'] = [];
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
        const value =
          VALUES[q.MetricStat.Stat === 'Sum' ? q.MetricStat.Metric.MetricName : q.MetricStat.Stat];
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
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cloudwatch,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
