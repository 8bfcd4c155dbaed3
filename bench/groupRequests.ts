import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { DynamoGroupStore } from '../functions/adapters/dynamodb/DynamoGroupStore.js';
import { DynamoTaskStore } from '../functions/adapters/dynamodb/DynamoTaskStore.js';
import { SqsQueue } from '../functions/adapters/sqs/SqsQueue.js';
import { TaskClient } from '../functions/client/TaskClient.js';
import { createConsumer } from '../functions/consumer/createConsumer.js';
import type { QueueRoute } from '../functions/core/ports.js';
import { DEFAULT_MAX_SEND_RATE } from '../functions/email/sendRate.js';
import { registry } from '../functions/tasks/index.js';
import { LOCAL_REGION } from '../local/clients.js';
import { lambdaContext } from '../local/esm/lambdaContext.js';
import { toSqsEvent } from '../local/esm/toSqsEvent.js';
import type { BenchBackend, BenchQueue } from './benchBackend.js';
import type { RequestCounter } from './RequestCounter.js';

/** DynamoDB requests of N no-op tasks sent as a group with an onComplete, against N plain. */
export interface GroupRequestsRow {
  members: number;
  /** Producer requests to create the group (its item and the follow-up's specs). */
  producerPerGroup: number;
  /** Consumer requests per task for plain tasks: the baseline, claim and finish. */
  plainPerTask: number;
  /** Consumer requests per member beyond the baseline (the leaf update, a share of the group's). */
  extraPerMember: number;
  /** Consumer requests of the fan-in and its follow-up task, all in. */
  perFollowUp: number;
  /** Consumer requests of the whole group run, and of the same tasks sent plain. */
  groupTotal: number;
  plainTotal: number;
  /** Consumer requests per plain task with groups configured: must equal `plainPerTask`. */
  plainPerTaskWithGroups: number;
}

const dynamoRequests = (counter: RequestCounter, role: string) =>
  counter.sum((r, service) => r === role && service === 'dynamodb');

/**
 * Runs both on the emulators, draining the queue through the consumer in batches of ten,
 * and counts every DynamoDB request by role.
 */
export async function measureGroupRequests(
  backend: BenchBackend,
  members: number,
): Promise<GroupRequestsRow> {
  const { tableName } = await backend.tables('bench-groups');
  const run = async (
    name: string,
    withGroups: boolean,
    send: (client: TaskClient<typeof registry>) => Promise<unknown>,
  ) => {
    const route = await backend.queue(`bench-group-${name}`);
    const clients = backend.roleClients();
    try {
      const producer = new TaskClient({
        registry,
        sqs: clients.producer.sqs,
        queues: [route],
        dynamodb: clients.producer.dynamodb,
        tableName,
      });
      await send(producer);
      const consumer = benchConsumer({
        registry,
        tableName,
        route,
        clients: clients.consumer,
        ...(withGroups
          ? {
              extra: {
                groups: new DynamoGroupStore({ client: clients.consumer.dynamodb, tableName }),
              },
            }
          : {}),
      });
      await drain(backend, route, consumer);
      return {
        producer: dynamoRequests(clients.counter, 'producer'),
        consumer: dynamoRequests(clients.counter, 'consumer'),
      };
    } finally {
      clients.destroy();
    }
  };
  const tasks = Array.from({ length: members }, () => ({ type: 'noop' as const, payload: {} }));
  const plain = await run('plain', false, (c) => c.enqueueMany(tasks));
  const plainWithGroups = await run('plain-groups', true, (c) => c.enqueueMany(tasks));
  const group = await run('group', true, (c) =>
    c.group(tasks, { onComplete: { type: 'noop', payload: {} } }),
  );
  const single = await run('group-1', true, (c) =>
    c.group(tasks.slice(0, 1), { onComplete: { type: 'noop', payload: {} } }),
  );
  const plainPerTask = plain.consumer / members;
  // Measured, not modelled: extra(n) = n × perMember + perFollowUp, from n = members and 1.
  const extraOf = (total: number, n: number) => total - n * plainPerTask;
  const extraPerMember =
    (extraOf(group.consumer, members) - extraOf(single.consumer, 1)) / (members - 1);
  return {
    members,
    producerPerGroup: group.producer,
    plainPerTask,
    extraPerMember: Math.round(extraPerMember * 1000) / 1000,
    perFollowUp: Math.round((extraOf(single.consumer, 1) - extraPerMember) * 1000) / 1000,
    groupTotal: group.consumer,
    plainTotal: plain.consumer,
    plainPerTaskWithGroups: plainWithGroups.consumer / members,
  };
}

/** Receives, invokes and deletes until the queue stays empty for one long poll. */
export async function drain(
  backend: BenchBackend,
  route: BenchQueue,
  consumer: ReturnType<typeof createConsumer>,
): Promise<void> {
  const sqs = backend.admin.sqs;
  for (let empty = 0; empty < 2; ) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: route.url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) {
      empty++;
      continue;
    }
    empty = 0;
    const event = toSqsEvent(Messages, route.arn, LOCAL_REGION);
    const now = Date.now();
    const response = await consumer(event, lambdaContext('bench', now + 60_000, Date.now));
    const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    const done = event.Records.filter((r) => !failed.has(r.messageId));
    if (done.length === 0) continue;
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: route.url,
        Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
      }),
    );
  }
}

type ConsumerDeps = Parameters<typeof createConsumer>[0];

/** The consumer the request counts run: real adapters on the consumer's clients, silent. */
export function benchConsumer(options: {
  registry: ConsumerDeps['registry'];
  tableName: string;
  route: QueueRoute;
  clients: { dynamodb: DynamoDBClient; sqs: SQSClient };
  extra?: Partial<ConsumerDeps>;
}) {
  const { tableName, route, clients } = options;
  return createConsumer({
    config: {
      tableName,
      queues: [route],
      retentionDays: 30,
      emailMaxSendRate: DEFAULT_MAX_SEND_RATE,
      maxResultBytes: 32_768,
      recordConcurrency: 10,
      safetyMarginMs: 200,
      serviceName: 'bench',
      metricsNamespace: 'Bench',
    },
    registry: options.registry,
    store: new DynamoTaskStore({ client: clients.dynamodb, tableName }),
    queue: new SqsQueue(clients.sqs),
    logger: new Logger({ logLevel: 'SILENT' }),
    metrics: { record: () => undefined, flush: () => undefined },
    ...options.extra,
  });
}
