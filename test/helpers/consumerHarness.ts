import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { DynamoTaskStore } from '../../functions/adapters/dynamodb/DynamoTaskStore.js';
import { SqsQueue } from '../../functions/adapters/sqs/SqsQueue.js';
import type { ConsumerConfig } from '../../functions/consumer/config.js';
import { type ConsumerDeps, createConsumer } from '../../functions/consumer/createConsumer.js';
import { ENVELOPE_VERSION, type Envelope } from '../../functions/core/envelope.js';
import { newTaskId } from '../../functions/core/ids.js';
import type { Clock, Logger, QueueRoute, TaskMetrics } from '../../functions/core/ports.js';
import type { TaskRegistry } from '../../functions/core/registry.js';
import { DEFAULT_MAX_SEND_RATE } from '../../functions/email/sendRate.js';
import { lambdaContext } from '../../local/esm/lambdaContext.js';
import { settleBatch } from '../../local/esm/settleBatch.js';
import { toSqsEvent } from '../../local/esm/toSqsEvent.js';
import type { Backend } from './backend.js';
import { createQueuePair, createTaskTable, type QueuePair, uniqueName } from './resources.js';

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Collects metric events in memory. */
export class RecordingMetrics implements TaskMetrics {
  readonly events: Parameters<TaskMetrics['record']>[0][] = [];
  record(event: Parameters<TaskMetrics['record']>[0]): void {
    this.events.push(event);
  }
  flush(): void {}
  count(outcome: string, type?: string): number {
    return this.events.filter((e) => e.outcome === outcome && (!type || e.type === type)).length;
  }
}

export interface Pipeline {
  backend: Backend;
  tableName: string;
  standard: QueuePair & { route: QueueRoute };
  fifo: QueuePair & { route: QueueRoute };
  store: DynamoTaskStore;
}

/** Creates a table, a standard queue and a FIFO queue, each with its DLQ. */
export async function createPipeline(backend: Backend): Promise<Pipeline> {
  const tableName = uniqueName('tasks');
  await createTaskTable(backend, tableName);
  const std = await createQueuePair(backend, uniqueName('default'), { visibilityTimeout: 30 });
  const fifo = await createQueuePair(backend, uniqueName('fifo'), {
    fifo: true,
    visibilityTimeout: 30,
  });
  return {
    backend,
    tableName,
    standard: { ...std, route: route('default', std, false) },
    fifo: { ...fifo, route: route('fifo', fifo, true) },
    store: new DynamoTaskStore({ client: backend.dynamodb, tableName }),
  };
}

function route(priority: string, pair: QueuePair, fifo: boolean): QueueRoute {
  return { priority, name: pair.name, url: pair.url, dlqUrl: pair.dlqUrl, fifo };
}

export function consumerConfig(
  pipeline: Pipeline,
  overrides: Partial<ConsumerConfig> = {},
): ConsumerConfig {
  return {
    tableName: pipeline.tableName,
    queues: [pipeline.standard.route, pipeline.fifo.route],
    retentionDays: 30,
    emailMaxSendRate: DEFAULT_MAX_SEND_RATE,
    maxResultBytes: 32_768,
    recordConcurrency: 4,
    safetyMarginMs: 200,
    serviceName: 'taskpipe-test',
    metricsNamespace: 'TaskpipeTest',
    ...overrides,
  };
}

export interface ConsumerUnderTest {
  metrics: RecordingMetrics;
  invoke(event: SQSEvent, remainingMs?: number): Promise<SQSBatchResponse>;
}

export function buildConsumer(
  pipeline: Pipeline,
  registry: TaskRegistry,
  options: {
    config?: Partial<ConsumerConfig>;
    clock?: Clock;
    random?: () => number;
    sqs?: SQSClient;
    store?: ConsumerDeps['store'];
    logger?: Logger;
    groups?: ConsumerDeps['groups'];
    gates?: ConsumerDeps['gates'];
    deferrals?: ConsumerDeps['deferrals'];
    flushFlow?: ConsumerDeps['flushFlow'];
  } = {},
): ConsumerUnderTest {
  const metrics = new RecordingMetrics();
  const clock = options.clock ?? { now: () => Date.now() };
  const consumer = createConsumer({
    config: consumerConfig(pipeline, options.config),
    registry,
    store: options.store ?? pipeline.store,
    ...(options.groups ? { groups: options.groups } : {}),
    ...(options.gates ? { gates: options.gates } : {}),
    ...(options.deferrals ? { deferrals: options.deferrals } : {}),
    ...(options.flushFlow ? { flushFlow: options.flushFlow } : {}),
    queue: new SqsQueue(options.sqs ?? pipeline.backend.sqs),
    logger: options.logger ?? silentLogger,
    metrics,
    clock,
    random: options.random ?? (() => 0.5),
  });
  return {
    metrics,
    invoke: (event, remainingMs = 60_000) =>
      consumer(event, lambdaContext('consumer', clock.now() + remainingMs, clock.now)),
  };
}

export function envelope(type: string, payload: unknown, extra: Partial<Envelope> = {}): Envelope {
  return {
    v: ENVELOPE_VERSION,
    id: newTaskId(),
    type,
    payload,
    priority: 'default',
    enqueuedAt: new Date().toISOString(),
    ...extra,
  };
}

/** Sends a raw body (an envelope is serialised) to a queue. */
export async function send(
  sqs: SQSClient,
  queue: QueuePair,
  body: string | Envelope,
  groupId?: string,
): Promise<void> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queue.url,
      MessageBody: text,
      ...(groupId ? { MessageGroupId: groupId, MessageDeduplicationId: newTaskId() } : {}),
    }),
  );
}

/** Receives up to `max` messages (long-polling up to `waitSeconds`) with all attributes. */
export async function receive(
  sqs: SQSClient,
  queueUrl: string,
  max = 10,
  waitSeconds = 1,
): Promise<Message[]> {
  const out = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: max,
      WaitTimeSeconds: waitSeconds,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
  );
  return out.Messages ?? [];
}

/**
 * Receives until `count` messages arrived or `emptyPolls` long polls in a row returned
 * nothing.
 */
export async function receiveEvent(
  pipeline: Pipeline,
  queue: QueuePair,
  count: number,
  waitSeconds = 1,
  emptyPolls = 1,
): Promise<SQSEvent> {
  const messages: Message[] = [];
  let empty = 0;
  while (messages.length < count && empty < emptyPolls) {
    const max = Math.min(10, count - messages.length);
    const got = await receive(pipeline.backend.sqs, queue.url, max, waitSeconds);
    empty = got.length === 0 ? empty + 1 : 0;
    messages.push(...got);
  }
  return toSqsEvent(messages, queue.arn, pipeline.backend.region);
}

/** One delivery as the event source mapping makes it: receive, invoke, delete the acked. */
export async function deliver(
  pipeline: Pipeline,
  queue: QueuePair,
  consumer: ConsumerUnderTest,
  options: { count?: number; remainingMs?: number; waitSeconds?: number; emptyPolls?: number } = {},
): Promise<{ event: SQSEvent; response: SQSBatchResponse; failedIds: string[] }> {
  const { count = 1, remainingMs, waitSeconds, emptyPolls } = options;
  const event = await receiveEvent(pipeline, queue, count, waitSeconds, emptyPolls);
  const response = await consumer.invoke(event, remainingMs);
  await settleBatch(pipeline.backend.sqs, queue.url, event, response);
  return { event, response, failedIds: response.batchItemFailures.map((f) => f.itemIdentifier) };
}

export async function rawItem(
  pipeline: Pipeline,
  id: string,
): Promise<Record<string, unknown> | undefined> {
  const out = await pipeline.backend.dynamodb.send(
    new GetItemCommand({
      TableName: pipeline.tableName,
      Key: { id: { S: id } },
      ConsistentRead: true,
    }),
  );
  return out.Item;
}

/** Visible and in-flight message counts. */
export async function depth(
  sqs: SQSClient,
  queueUrl: string,
): Promise<{ visible: number; inFlight: number }> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Number(out.Attributes?.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}

/**
 * The environment a deployed function gets, pointed at the emulators: AWS settings for the
 * SDK's standard chain plus the pipeline's table and queues.
 */
export function lambdaEnvironment(pipeline: Pipeline): Record<string, string> {
  const { backend } = pipeline;
  return {
    AWS_REGION: backend.region,
    AWS_ACCESS_KEY_ID: backend.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: backend.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_SQS: backend.sqsEndpoint,
    AWS_ENDPOINT_URL_DYNAMODB: backend.dynamodbEndpoint,
    TASKPIPE_TABLE_NAME: pipeline.tableName,
    TASKPIPE_QUEUES: JSON.stringify([pipeline.standard.route, pipeline.fifo.route]),
  };
}
