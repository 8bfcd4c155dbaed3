import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A stack as CloudFormation describes it: its outputs by key. */
export type FakeStacks = Record<string, Record<string, string>>;

export interface FakeAws {
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

const xml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const read = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });

function describeStacks(stacks: FakeStacks, name: string): { status: number; body: string } {
  const ns = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
  const outputs = stacks[name];
  if (!outputs) {
    return {
      status: 400,
      body: `<ErrorResponse xmlns="${ns}"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id ${xml(name)} does not exist</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`,
    };
  }
  const members = Object.entries(outputs)
    .map(
      ([k, v]) =>
        `<member><OutputKey>${k}</OutputKey><OutputValue>${xml(v)}</OutputValue></member>`,
    )
    .join('');
  return {
    status: 200,
    body: `<DescribeStacksResponse xmlns="${ns}"><DescribeStacksResult><Stacks><member><StackName>${xml(name)}</StackName><StackStatus>UPDATE_COMPLETE</StackStatus><CreationTime>2026-01-01T00:00:00Z</CreationTime><Outputs>${members}</Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></DescribeStacksResponse>`,
  };
}

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
/** Peak visible messages per queue name; queues not listed have no data points. */
const FAKE_QUEUE_PEAKS: Record<string, number> = {
  'taskpipe-default': 12,
  'taskpipe-default-dlq': 7,
  'taskpipe-high-dlq': 3,
};

function metricValue(q: MetricQuery): number | undefined {
  const { Metric, Stat } = q.MetricStat;
  if (Metric.MetricName === 'ApproximateNumberOfMessagesVisible' && Stat === 'Maximum') {
    const queue = Metric.Dimensions?.find((d) => d.Name === 'QueueName')?.Value ?? '';
    return FAKE_QUEUE_PEAKS[queue];
  }
  return FAKE_METRIC_VALUES[`${Metric.MetricName}/${Stat}`];
}

/**
 * Answers CloudFormation DescribeStacks (query protocol, XML) and CloudWatch ListMetrics and
 * GetMetricData (JSON 1.0) on loopback, for `--stack` tests; SQS and DynamoDB go to the
 * local emulators through their own endpoint variables.
 */
export async function startFakeAws(stacks: FakeStacks): Promise<FakeAws> {
  const cloudwatch: FakeAws['cloudwatch'] = [];
  const server = createServer(async (req, res) => {
    const body = await read(req);
    const target = String(req.headers['x-amz-target'] ?? '');
    if (!target) {
      const form = new URLSearchParams(body);
      const answer = describeStacks(stacks, form.get('StackName') ?? '');
      res.writeHead(answer.status, { 'content-type': 'text/xml' }).end(answer.body);
      return;
    }
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
        const value = metricValue(q);
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
