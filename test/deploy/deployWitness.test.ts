import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  parsePipelineDefinition,
  pipelineDefinition,
  type TaskPolicies,
} from '../../definition/index.js';
import { DynamoTaskStore } from '../../functions/adapters/dynamodb/DynamoTaskStore.js';
import { TASK_TABLE } from '../../functions/adapters/dynamodb/tableSchema.js';
import { registry } from '../../functions/tasks/index.js';
import { EventSourcePoller, type SqsHandler } from '../../local/esm/EventSourcePoller.js';
import { cliLines, runCli } from '../e2e/cliHarness.js';
import { motoAvailability, TEST_REGION } from '../helpers/backends.js';
import { pollUntil } from '../helpers/poll.js';
import { type Deployment, deployToMoto } from './deployToMoto.js';
import { type FakeCloudWatch, startFakeCloudWatch } from './fakeCloudWatch.js';
import { clientConfig, MOTO_ACCOUNT } from './motoDeploy.js';

// The deploy witness: both synthesized stacks, bundled, go through moto's CloudFormation,
// the CLI enqueues through the deployed queue, and the bundled consumer, with the deployed
// function's environment, runs the task to SUCCEEDED. moto enforces no IAM, KMS, TTL or
// template size: cfn-lint and cdk-nag (test/infra) keep those.
const availability = motoAvailability();
const skipReason =
  availability.available || process.env.CI ? undefined : (availability.reason as string);
if (skipReason) console.warn(`skipping the deploy witness: ${skipReason}`);

const config = parsePipelineDefinition(pipelineDefinition, registry as TaskPolicies);

describe.skipIf(skipReason !== undefined)('deploy witness (moto CloudFormation)', () => {
  let deployed: Deployment;
  let endpoint: string;
  let stateful: Record<string, string>;
  let stateless: Record<string, string>;
  let lambda: LambdaClient;
  let cloudWatch: FakeCloudWatch;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    deployed = await deployToMoto();
    ({ endpoint, stateful, stateless } = deployed);
    lambda = new LambdaClient(clientConfig(endpoint));
    cloudWatch = await startFakeCloudWatch();
  }, 180_000);

  afterAll(async () => {
    process.env = savedEnv;
    lambda?.destroy();
    await Promise.all([deployed?.stop(), cloudWatch?.close()]);
  });

  const cliEnv = () => ({
    AWS_REGION: TEST_REGION,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL: endpoint,
    AWS_ENDPOINT_URL_CLOUDWATCH: cloudWatch.url,
  });
  const stack = (...args: string[]) =>
    runCli([...args, '--stack', 'TaskpipeStateful', '--json'], cliEnv());

  const queues = () =>
    JSON.parse(stateful.Queues ?? '[]') as { priority: string; url: string; dlqUrl: string }[];

  it('creates both stacks, leaving out only what moto cannot create', () => {
    expect(stateful.TaskTableName).toBeTruthy();
    expect(stateless.ConsumerFunctionName).toBeTruthy();
    expect(new Set(Object.values(deployed.leftOut))).toEqual(
      new Set([
        'AWS::SQS::QueuePolicy',
        'AWS::CloudWatch::Alarm',
        'AWS::CloudWatch::Dashboard',
        'AWS::ApiGatewayV2::Api',
        'AWS::ApiGatewayV2::Integration',
        'AWS::ApiGatewayV2::Route',
        'AWS::ApiGatewayV2::Stage',
        'AWS::Scheduler::ScheduleGroup',
      ]),
    );
  });

  it('deploys each queue with the redrive policy and timings of the definition', async () => {
    const sqs = new SQSClient(clientConfig(endpoint));
    const arnOf = async (url: string) => {
      const out = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
      );
      return out.Attributes ?? {};
    };
    expect(queues().map((q) => q.priority)).toEqual(config.queues.map((q) => q.priority));
    for (const q of config.queues) {
      const deployed = queues().find((d) => d.priority === q.priority)!;
      const attributes = await arnOf(deployed.url);
      const dlq = await arnOf(deployed.dlqUrl);
      expect(JSON.parse(attributes.RedrivePolicy ?? '{}')).toEqual({
        deadLetterTargetArn: dlq.QueueArn,
        maxReceiveCount: q.maxReceiveCount,
      });
      expect(attributes.VisibilityTimeout).toBe(String(q.visibilityTimeoutSeconds));
      expect(attributes.MessageRetentionPeriod).toBe(String(q.retentionSeconds));
      expect(dlq.MessageRetentionPeriod).toBe(String(q.deadLetterRetentionSeconds));
    }
    sqs.destroy();
  });

  it('deploys the table with the keys and the failure indexes of the schema', async () => {
    const dynamodb = new DynamoDBClient(clientConfig(endpoint));
    const { Table } = await dynamodb.send(
      new DescribeTableCommand({ TableName: stateful.TaskTableName }),
    );
    dynamodb.destroy();
    expect(Table?.KeySchema).toEqual([{ AttributeName: TASK_TABLE.partitionKey, KeyType: 'HASH' }]);
    const keys = (index: { partitionKey: string; sortKey: string }) => [
      { AttributeName: index.partitionKey, KeyType: 'HASH' },
      { AttributeName: index.sortKey, KeyType: 'RANGE' },
    ];
    const { failureIndex, allFailuresIndex } = TASK_TABLE;
    expect(Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.KeySchema])).toEqual([
      [failureIndex.name, keys(failureIndex)],
      [allFailuresIndex.name, keys(allFailuresIndex)],
    ]);
  });

  it('maps each queue to the consumer with its batch size and maximum concurrency', async () => {
    const { EventSourceMappings = [] } = await lambda.send(
      new ListEventSourceMappingsCommand({ FunctionName: stateless.ConsumerFunctionName }),
    );
    const sqs = new SQSClient(clientConfig(endpoint));
    const byArn = new Map(EventSourceMappings.map((m) => [m.EventSourceArn, m]));
    for (const q of config.queues) {
      const { url } = queues().find((d) => d.priority === q.priority)!;
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
      );
      const mapping = byArn.get(Attributes?.QueueArn);
      expect(mapping, `mapping of ${q.priority}`).toMatchObject({
        BatchSize: q.batchSize,
        ScalingConfig: { MaximumConcurrency: q.maxConcurrency },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    }
    sqs.destroy();
    expect(EventSourceMappings).toHaveLength(config.queues.length);
  });

  it('pauses a queue by disabling its event source mapping, and resumes it', async () => {
    const high = queues().find((q) => q.priority === 'high')!;
    const sqs = new SQSClient(clientConfig(endpoint));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: high.url, AttributeNames: ['QueueArn'] }),
    );
    sqs.destroy();
    const states = async () => {
      const { EventSourceMappings = [] } = await lambda.send(
        new ListEventSourceMappingsCommand({ FunctionName: stateless.ConsumerFunctionName }),
      );
      return new Map(EventSourceMappings.map((m) => [m.EventSourceArn, m.State]));
    };
    const before = await states();

    const paused = await stack('pause', '--queue', 'high', '--by', 'witness');
    expect(paused.code, paused.stderr).toBe(0);
    const during = await states();
    expect(during.get(Attributes?.QueueArn)).toBe('Disabled');
    // The other queues keep running.
    for (const [arn, state] of during) {
      if (arn !== Attributes?.QueueArn) expect(state).toBe(before.get(arn));
    }
    expect(JSON.parse(paused.stdout)).toMatchObject({
      created: true,
      record: { scope: 'queue', name: 'high', by: 'witness' },
    });

    const resumed = await stack('resume', '--queue', 'high');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((await states()).get(Attributes?.QueueArn)).toBe('Enabled');
  });

  it("announces a breaker opened and closed by hand on the stateless stack's alarm topic", async () => {
    // A queue subscribed to the deployed topic reads what the notifier would be given.
    const sqs = new SQSClient(clientConfig(endpoint));
    const sns = new SNSClient(clientConfig(endpoint));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'alarm-topic-tap' }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    await sns.send(
      new SubscribeCommand({
        TopicArn: stateless.AlarmTopicArn,
        Protocol: 'sqs',
        Endpoint: Attributes?.QueueArn,
      }),
    );
    // The CLI returns once the notice is published; moto delivers to the queue as it publishes.
    const notices = async () => {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      return Messages.map(
        (m) => JSON.parse((JSON.parse(m.Body ?? '{}') as { Message: string }).Message) as unknown,
      );
    };
    const key = 'host:witness.example';
    try {
      const opened = await stack('breaker', 'open', key, '--by', 'witness');
      expect(opened.code, opened.stderr).toBe(0);
      expect(opened.stderr).not.toContain('not published');
      expect(await notices()).toEqual([
        expect.objectContaining({
          source: 'taskpipe',
          kind: 'circuit-breaker',
          pipeline: config.name,
          key,
          move: 'opened',
          state: 'open',
          by: 'witness',
          account: MOTO_ACCOUNT,
          region: TEST_REGION,
        }),
      ]);

      const closed = await stack('breaker', 'close', key, '--by', 'witness');
      expect(closed.code, closed.stderr).toBe(0);
      expect(await notices()).toEqual([
        expect.objectContaining({ key, move: 'closed', state: 'closed', by: 'witness' }),
      ]);
    } finally {
      sqs.destroy();
      sns.destroy();
    }
  });

  it('runs a task enqueued with taskpipe --stack to SUCCEEDED in the bundled consumer', async () => {
    // moto invokes a mapping on every send but cannot run Lambda without Docker: the
    // mappings go off, and the consumer bundle runs here with the deployed environment.
    const { EventSourceMappings = [] } = await lambda.send(
      new ListEventSourceMappingsCommand({ FunctionName: stateless.ConsumerFunctionName }),
    );
    for (const m of EventSourceMappings) {
      await lambda.send(new UpdateEventSourceMappingCommand({ UUID: m.UUID, Enabled: false }));
    }
    const enqueued = await stack('enqueue', 'noop');
    expect(enqueued.code, enqueued.stderr).toBe(0);
    const { taskId } = JSON.parse(enqueued.stdout) as { taskId: string };

    const fn = await lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: stateless.ConsumerFunctionName }),
    );
    // As deployed, but quiet: the handler's log lines would only clutter the test output.
    Object.assign(process.env, fn.Environment?.Variables, cliEnv(), {
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    const bundle = (await import(
      pathToFileURL(join(deployed.consumerAsset, 'index.mjs')).href
    )) as {
      handler: SqsHandler;
    };
    const { url } = queues().find((q) => q.priority === config.defaultPriority)!;
    const sqs = new SQSClient(clientConfig(endpoint));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
    );
    const poller = new EventSourcePoller({
      sqs,
      queue: { url, arn: Attributes?.QueueArn ?? '', name: url.split('/').at(-1) ?? '' },
      region: TEST_REGION,
      handler: bundle.handler,
      functionName: stateless.ConsumerFunctionName!,
      functionTimeoutMs: (fn.Timeout ?? 60) * 1000,
      batchSize: 10,
      batchingWindowSeconds: 0,
      maxConcurrency: 2,
    });
    poller.start();
    const store = new DynamoTaskStore({
      client: new DynamoDBClient(clientConfig(endpoint)),
      tableName: stateful.TaskTableName!,
    });
    try {
      await pollUntil(
        () => store.get(taskId),
        (t) => t?.status === 'SUCCEEDED',
        { what: 'task SUCCEEDED in the deployed table' },
      );
    } finally {
      await poller.stop();
      sqs.destroy();
    }
    const status = await stack('status', taskId);
    expect(JSON.parse(status.stdout)).toMatchObject({ id: taskId, status: 'SUCCEEDED' });
  });

  it('reads stats from CloudWatch per task type, and queue depths from the deployed queues', async () => {
    const nameOf = (url: string) => url.split('/').at(-1)!;
    const byPriority = (p: string) => queues().find((q) => q.priority === p)!;
    // Each queue gets its own figure, so a peak read from the wrong queue shows.
    cloudWatch.queuePeaks = {
      [nameOf(byPriority('default').url)]: 12,
      [nameOf(byPriority('default').dlqUrl)]: 7,
      [nameOf(byPriority('high').dlqUrl)]: 3,
    };
    const out = await stack('stats', '--since', '30');
    expect(out.code, out.stderr).toBe(0);
    const stats = JSON.parse(out.stdout) as {
      source: string;
      windowSeconds: number;
      types: { type: string; counts: Record<string, number>; failureRate: number }[];
      peakVisible: Record<string, number>;
      queues: { priority: string }[];
      deadLetters: { queue: string; withoutStatus: number }[];
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
      [nameOf(byPriority('default').url)]: 12,
      [nameOf(byPriority('default').dlqUrl)]: 7,
      [nameOf(byPriority('high').dlqUrl)]: 3,
    });
    expect(stats.queues.map((q) => q.priority)).toEqual(['high', 'default', 'low']);
    expect(stats.deadLetters.map((d) => d.withoutStatus)).toEqual([0, 0, 0]);
    // The metric's own dimension set (service and TaskType) is queried, not a guessed one.
    const data = cloudWatch.cloudwatch.find((c) => c.action === 'GetMetricData');
    const metricQueries = data?.body.MetricDataQueries as {
      MetricStat: { Metric: { Dimensions: unknown[] } };
    }[];
    expect(metricQueries[0]?.MetricStat.Metric.Dimensions).toEqual([
      { Name: 'service', Value: 'taskpipe' },
      { Name: 'TaskType', Value: 'http.post' },
    ]);
  });

  it('exits 5 with one line when the stack does not exist or lacks the outputs', async () => {
    const [missing, stateless] = await Promise.all([
      runCli(['list', '--stack', 'Nope'], cliEnv()),
      runCli(['list', '--stack', 'TaskpipeStateless'], cliEnv()),
    ]);
    expect(missing.code).toBe(5);
    expect(cliLines(missing.stderr)).toEqual([
      expect.stringContaining('stack Nope not found in us-east-1'),
    ]);
    expect(stateless.code).toBe(5);
    expect(cliLines(stateless.stderr)).toEqual([
      expect.stringContaining('no TaskTableName or Queues output'),
    ]);
  });
});
