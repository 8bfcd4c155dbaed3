import { ChangeMessageVisibilityCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redriveQueue } from '../../../cli/redrive/redriveQueue.js';
import { countDeadLetters } from '../../../cli/stats/deadLetters.js';
import type { Target } from '../../../cli/target.js';
import { DynamoTaskStore } from '../../../functions/adapters/dynamodb/DynamoTaskStore.js';
import { SqsQueue } from '../../../functions/adapters/sqs/SqsQueue.js';
import { TaskService } from '../../../functions/core/service/TaskService.js';
import { EventSourcePoller, type SqsHandler } from '../../../local/esm/EventSourcePoller.js';
import { FunctionConcurrency } from '../../../local/esm/FunctionConcurrency.js';
import {
  type Backend,
  backendFactories,
  createQueuePair,
  createTaskTable,
  type QueuePair,
  TEST_REGION,
  uniqueName,
} from '../../helpers/backends.js';
import { buildConsumer, deliver, silentLogger } from '../../helpers/consumerHarness.js';
import { pollUntil } from '../../helpers/poll.js';
import { deferred, testRegistry } from '../../helpers/testTasks.js';

// A function concurrency limit under the caps throttles batches the way Lambda does: they
// never reach the function, yet their receives count, so SQS dead-letters a task that has
// no failure recorded. stats must show it, and redrive must set it QUEUED and send it back.
describe.each(backendFactories)('consumer throttling on $name', ({ name, start, skipReason }) => {
  if (skipReason) console.warn(`skipping the throttling suite on ${name}: ${skipReason}`);
  const test = it.skipIf(skipReason !== undefined);
  let backend: Backend;

  beforeAll(async () => {
    if (!skipReason) backend = await start();
  });
  afterAll(async () => backend?.stop());

  test('a throttled task reaches the DLQ without a status; redrive sets it QUEUED and it runs', async () => {
    const tableName = uniqueName('tasks');
    await createTaskTable(backend, tableName);
    const pair: QueuePair = await createQueuePair(backend, uniqueName('throttled'), {
      visibilityTimeout: 1,
      maxReceiveCount: 2,
    });
    const route = { priority: 'default', fifo: false, ...pair };
    const store = new DynamoTaskStore({ client: backend.dynamodb, tableName });
    const service = new TaskService({
      registry: testRegistry,
      logger: silentLogger,
      store,
      queue: new SqsQueue(backend.sqs),
      routes: [route],
      maxPayloadBytes: 262_144,
    });
    // The one execution the limit allows stays busy with the first task.
    const busy = deferred<void>();
    const invoked: string[] = [];
    const handler: SqsHandler = async (event) => {
      invoked.push(...event.Records.map((r) => JSON.parse(r.body).id as string));
      // Held past the queue's 1 s visibility timeout, as a long task extends its own.
      for (const r of event.Records) {
        await backend.sqs.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: pair.url,
            ReceiptHandle: r.receiptHandle,
            VisibilityTimeout: 60,
          }),
        );
      }
      await busy.promise;
      return { batchItemFailures: [] } satisfies SQSBatchResponse;
    };
    const concurrency = new FunctionConcurrency(1);
    const poller = new EventSourcePoller({
      sqs: backend.sqs,
      queue: { url: pair.url, arn: pair.arn, name: pair.name },
      region: TEST_REGION,
      handler,
      functionName: 'consumer',
      functionTimeoutMs: 30_000,
      batchSize: 1,
      batchingWindowSeconds: 0,
      maxConcurrency: 2,
      concurrency,
    });
    poller.start();
    try {
      const first = await service.enqueue({ type: 'test.ok', payload: { n: 1 } });
      await pollUntil(
        async () => invoked.length,
        (n) => n === 1,
        { what: 'first invocation' },
      );
      const throttled = await service.enqueue({ type: 'test.ok', payload: { n: 2 } });

      await pollUntil(
        () => dlqDepth(backend, pair.dlqUrl),
        (n) => n >= 1,
        { what: 'throttled message on the DLQ', timeoutMs: 30_000 },
      );

      expect(invoked).toEqual([first.taskId]);
      expect(concurrency.throttles).toBeGreaterThanOrEqual(2);
      expect((await store.get(throttled.taskId))?.status).toBe('QUEUED');
      const [count] = await countDeadLetters({ sqs: backend.sqs, store }, [route]);
      expect(count).toEqual({
        queue: 'default',
        deadLetters: 1,
        withoutStatus: 1,
        taskIds: [throttled.taskId],
      });
    } finally {
      busy.resolve();
      await poller.stop();
    }

    const target = {
      sqs: backend.sqs,
      store,
      queue: new SqsQueue(backend.sqs),
      registry: testRegistry,
    } as unknown as Target;
    const report = await redriveQueue(target, route, {
      budget: { remaining: 10 },
      depthAtStart: 1,
      includePoison: false,
      startedAt: Date.now(),
      onMessage: () => undefined,
    });

    expect(report).toMatchObject({ moved: 1, requeued: 1, withoutStatus: 1, left: 0 });
    const pipeline = {
      backend,
      tableName,
      standard: { ...pair, route },
      fifo: { ...pair, route },
      store,
    };
    // The stopped poller's last long poll may still hold the copy for a second (as on AWS).
    await deliver(pipeline, pair, buildConsumer(pipeline, testRegistry), { emptyPolls: 5 });
    const [after] = await countDeadLetters({ sqs: backend.sqs, store }, [route]);
    expect(after?.deadLetters).toBe(0);
    const tasks = await service.list({ limit: 10 });
    expect(tasks.tasks.map((t) => t.status).sort()).toEqual(['QUEUED', 'SUCCEEDED']);
  });
});

async function dlqDepth(backend: Backend, url: string): Promise<number> {
  const { Attributes } = await backend.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages'],
    }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
}
