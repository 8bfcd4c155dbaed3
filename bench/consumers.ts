import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { type DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchItemFailure, SQSRecord } from 'aws-lambda';
import pLimit from 'p-limit';
import { DynamoTaskStore } from '../functions/adapters/dynamodb/DynamoTaskStore.js';
import { SqsQueue } from '../functions/adapters/sqs/SqsQueue.js';
import { createConsumer } from '../functions/consumer/createConsumer.js';
import { type Envelope, parseEnvelope } from '../functions/core/envelope.js';
import type { Logger, QueueRoute } from '../functions/core/ports.js';
import { createRegistry, type TaskRegistry } from '../functions/core/registry.js';
import type { TaskContext, TrackingLevel } from '../functions/core/task.js';
import { DEFAULT_MAX_SEND_RATE } from '../functions/email/sendRate.js';
import { registry } from '../functions/tasks/index.js';
import type { SqsHandler } from '../local/esm/EventSourcePoller.js';

/**
 * The consumers compared: ours (tracking `full`, the default, then the two lower levels),
 * the floor (a), and the usual Powertools way (b).
 */
export const VARIANTS = ['ours', 'oursTerminal', 'oursFailures', 'floor', 'powertools'] as const;
export type Variant = (typeof VARIANTS)[number];
/** Timed only: the floor plus two plain status writes per task, to show our code's own cost. */
export const TIMED_VARIANTS = [...VARIANTS, 'floorWrites'] as const;
export type TimedVariant = (typeof TIMED_VARIANTS)[number];

export interface ConsumerSetup {
  clients: { sqs: SQSClient; dynamodb: DynamoDBClient };
  tableName: string;
  idempotencyTable: string;
  route: QueueRoute;
  /** Records run at once within a batch, as the definition's consumer setting. */
  recordConcurrency: number;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export function createVariant(variant: TimedVariant, setup: ConsumerSetup): SqsHandler {
  if (variant === 'ours') return oursConsumer(setup, 'full');
  if (variant === 'oursTerminal') return oursConsumer(setup, 'terminal');
  if (variant === 'oursFailures') return oursConsumer(setup, 'failures');
  if (variant === 'floor') return floorConsumer();
  if (variant === 'floorWrites') return floorWritesConsumer(setup);
  return powertoolsConsumer(setup);
}

/** The task types with `noop` tracked at `tracking`. */
function registryTracking(tracking: TrackingLevel): TaskRegistry {
  return createRegistry(
    registry.definitions.map((d) => (d.type === 'noop' ? { ...d, tracking } : d)),
  );
}

/** The consumer the Lambda runs, with logs and metrics silenced so no variant pays for output. */
function oursConsumer(s: ConsumerSetup, tracking: TrackingLevel): SqsHandler {
  return createConsumer({
    config: {
      tableName: s.tableName,
      queues: [s.route],
      retentionDays: 30,
      emailMaxSendRate: DEFAULT_MAX_SEND_RATE,
      maxResultBytes: 32_768,
      recordConcurrency: s.recordConcurrency,
      safetyMarginMs: 5_000,
      serviceName: 'taskpipe',
      metricsNamespace: 'Taskpipe',
    },
    registry: registryTracking(tracking),
    store: new DynamoTaskStore({ client: s.clients.dynamodb, tableName: s.tableName }),
    queue: new SqsQueue(s.clients.sqs),
    logger: silentLogger,
    metrics: { record() {}, flush() {} },
  });
}

/** (a) Only runs the task: no status, no retry bookkeeping; a failure is just reported. */
function floorConsumer(): SqsHandler {
  return async (event) => {
    const failures: SQSBatchItemFailure[] = [];
    await Promise.all(
      event.Records.map(async (record) => {
        try {
          await runTask(record.body);
        } catch {
          failures.push({ itemIdentifier: record.messageId });
        }
      }),
    );
    return { batchItemFailures: failures };
  };
}

/**
 * The floor with the I/O our consumer cannot avoid: a RUNNING and a SUCCEEDED write per
 * task, unconditional, at the same record concurrency. Ours over this is our code's cost.
 */
function floorWritesConsumer(s: ConsumerSetup): SqsHandler {
  const setStatus = statusWriter(s);
  return async (event) => {
    const limit = pLimit(s.recordConcurrency);
    const failures: SQSBatchItemFailure[] = [];
    await Promise.all(
      event.Records.map((record) =>
        limit(async () => {
          try {
            const { id } = parseEnvelope(record.body);
            await setStatus(id, 'RUNNING');
            await runTask(record.body);
            await setStatus(id, 'SUCCEEDED');
          } catch {
            failures.push({ itemIdentifier: record.messageId });
          }
        }),
      ),
    );
    return { batchItemFailures: failures };
  };
}

/** An unconditional status write, as a consumer without fencing would make it. */
function statusWriter(s: ConsumerSetup) {
  return (id: string, status: string) =>
    s.clients.dynamodb.send(
      new UpdateItemCommand({
        TableName: s.tableName,
        Key: { id: { S: id } },
        UpdateExpression: 'SET #s = :s, #u = :u',
        ExpressionAttributeNames: { '#s': 'status', '#u': 'updatedAt' },
        ExpressionAttributeValues: { ':s': { S: status }, ':u': { N: String(Date.now()) } },
      }),
    );
}

/**
 * (b) The usual way: Powertools batch, Powertools idempotency keyed by the task id (its
 * DynamoDB persistence), and an unconditional status write per transition.
 */
function powertoolsConsumer(s: ConsumerSetup): SqsHandler {
  const { dynamodb } = s.clients;
  const config = new IdempotencyConfig({ eventKeyJmesPath: 'powertools_json(body).id' });
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: s.idempotencyTable,
    awsSdkV3Client: dynamodb,
  });
  const setStatus = statusWriter(s);
  const processRecord = makeIdempotent(
    async (record: SQSRecord) => {
      const { id } = parseEnvelope(record.body);
      await setStatus(id, 'RUNNING');
      const result = await runTask(record.body);
      await setStatus(id, 'SUCCEEDED');
      return result;
    },
    { persistenceStore, config },
  );
  return async (event, context) => {
    config.registerLambdaContext(context);
    // One processor per invocation: invocations overlap in one process here, unlike on Lambda.
    return processPartialResponse(event, processRecord, new BatchProcessor(EventType.SQS), {
      context,
      throwOnFullBatchFailure: false,
    });
  };
}

/** Parses the envelope and payload and runs the task's handler, as every variant must. */
export function runTask(body: string): Promise<unknown> {
  return runEnvelope(parseEnvelope(body));
}

/** Parses the payload of an envelope already parsed and runs the task's handler. */
export async function runEnvelope(envelope: Envelope): Promise<unknown> {
  const definition = registry.get(envelope.type);
  const payload = registry.parsePayload(envelope.type, envelope.payload);
  const ctx: TaskContext = {
    taskId: envelope.id,
    type: envelope.type,
    attempt: 1,
    maxAttempts: 1,
    idempotencyKey: envelope.id,
    signal: new AbortController().signal,
    logger: silentLogger,
    enqueue: () => Promise.reject(new Error('the floor consumer enqueues nothing')),
    group: () => Promise.reject(new Error('the floor consumer makes no groups')),
    parent: () => Promise.resolve(undefined),
    fanIn: () => Promise.resolve(undefined),
    signingKey: () => Promise.reject(new Error('the floor consumer signs nothing')),
  };
  return definition.handler(payload, ctx);
}
