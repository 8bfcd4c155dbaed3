import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../helpers/poll.js';
import { type FakeAws, startFakeAws } from './cliFakeAws.js';
import { type CliHarness, cliLines, runCli, startCliHarness } from './cliHarness.js';

// `--stack`: resources from the stack's outputs, credentials and region from the standard
// chain. CloudFormation and CloudWatch are faked on loopback; SQS and DynamoDB are the
// local emulators, reached through the SDK's per-service endpoint variables.
describe('taskpipe CLI with --stack', () => {
  let cli: CliHarness;
  let aws: FakeAws;
  let env: Record<string, string>;

  beforeAll(async () => {
    cli = await startCliHarness();
    const { info } = cli.pipeline;
    aws = await startFakeAws({
      TaskpipeStateful: {
        TaskTableName: info.tableName,
        Queues: JSON.stringify(
          info.queues.map((q) => ({
            priority: q.priority,
            url: q.url,
            dlqUrl: q.dlqUrl,
            fifo: q.fifo,
          })),
        ),
      },
      Unrelated: { Other: 'x' },
    });
    env = {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL_CLOUDFORMATION: aws.url,
      AWS_ENDPOINT_URL_CLOUDWATCH: aws.url,
      AWS_ENDPOINT_URL_SQS: info.sqsEndpoint,
      AWS_ENDPOINT_URL_DYNAMODB: info.dynamodbEndpoint,
    };
  });
  afterAll(async () => {
    await Promise.all([cli?.stop(), aws?.close()]);
  });

  const stack = (...args: string[]) => runCli([...args, '--stack', 'TaskpipeStateful'], env);

  it('enqueues into the queues and table the stack outputs name', async () => {
    const out = await stack('enqueue', 'noop', '--json');
    expect(out.code, out.stderr).toBe(0);
    const { taskId } = JSON.parse(out.stdout) as { taskId: string };
    await pollUntil(
      () => cli.store.get(taskId),
      (t) => t?.status === 'SUCCEEDED',
      { what: 'task SUCCEEDED' },
    );
    const status = await stack('status', taskId, '--json');
    expect(JSON.parse(status.stdout)).toMatchObject({ id: taskId, status: 'SUCCEEDED' });
  });

  it('reads stats from CloudWatch per task type, and queue depth from SQS', async () => {
    const out = await stack('stats', '--json', '--since', '30');
    expect(out.code, out.stderr).toBe(0);
    const stats = JSON.parse(out.stdout) as {
      source: string;
      windowSeconds: number;
      types: {
        type: string;
        counts: Record<string, number>;
        timings: Record<string, Record<string, number>>;
        failureRate: number;
      }[];
      peakVisible: Record<string, number>;
      queues: { priority: string }[];
    };
    expect(stats.source).toBe('cloudwatch');
    expect(stats.windowSeconds).toBe(1_800);
    expect(stats.types).toEqual([
      expect.objectContaining({
        type: 'http.post',
        counts: expect.objectContaining({ TasksSucceeded: 90, TasksFailed: 10, TasksRetried: 4 }),
        timings: {
          TaskDuration: { p50: 120, p95: 900, p99: 1_500 },
          QueueWait: { p50: 35, p95: 410, p99: 2_200 },
        },
        failureRate: 0.1,
      }),
    ]);
    expect(stats.peakVisible).toMatchObject({
      'taskpipe-default': 12,
      'taskpipe-default-dlq': 7,
      'taskpipe-high-dlq': 3,
    });
    expect(stats.queues.map((q) => q.priority)).toEqual(['high', 'default', 'low']);
    // The metric's own dimension set (service and TaskType) is queried, not a guessed one.
    const data = aws.cloudwatch.find((c) => c.action === 'GetMetricData');
    const queries = data?.body.MetricDataQueries as {
      MetricStat: { Metric: { Dimensions: unknown[] } };
    }[];
    expect(queries[0]?.MetricStat.Metric.Dimensions).toEqual([
      { Name: 'service', Value: 'taskpipe' },
      { Name: 'TaskType', Value: 'http.post' },
    ]);
  });

  it('exits 5 with one line when the stack does not exist or lacks the outputs', async () => {
    const [missing, unrelated] = await Promise.all([
      runCli(['list', '--stack', 'Nope'], env),
      runCli(['list', '--stack', 'Unrelated'], env),
    ]);
    expect(missing.code).toBe(5);
    expect(cliLines(missing.stderr)).toEqual([
      expect.stringContaining('stack Nope not found in us-east-1'),
    ]);
    expect(unrelated.code).toBe(5);
    expect(cliLines(unrelated.stderr)).toEqual([
      expect.stringContaining('no TaskTableName or Queues output'),
    ]);
  });
});
