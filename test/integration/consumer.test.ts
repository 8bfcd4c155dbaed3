import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DLQ_ATTRIBUTE } from '../../functions/core/consumer/deadLetterAttributes.js';
import { recordingLogger } from '../helpers/apiHarness.js';
import { type Backend, backendFactories } from '../helpers/backends.js';
import {
  buildConsumer,
  createPipeline,
  deliver,
  depth,
  envelope,
  type Pipeline,
  receive,
  send,
} from '../helpers/consumerHarness.js';
import { recordingSqsClient } from '../helpers/sqsRecorder.js';
import { runs, testRegistry } from '../helpers/testTasks.js';

describe.each(backendFactories)('consumer on $name', ({ name, start, skipReason }) => {
  if (skipReason) console.warn(`skipping consumer suite on ${name}: ${skipReason}`);
  let backend: Backend;
  let p: Pipeline;

  beforeAll(async () => {
    if (!skipReason) backend = await start();
  });
  afterAll(async () => backend?.stop());
  beforeEach(async () => {
    if (!skipReason) p = await createPipeline(backend);
  });

  const dlqCopies = async () => receive(backend.sqs, p.standard.dlqUrl, 10, 1);

  it.skipIf(skipReason)('runs a task to SUCCEEDED and deletes its message', async () => {
    const task = envelope('test.ok', { n: 21 });
    await send(backend.sqs, p.standard, task);
    const consumer = buildConsumer(p, testRegistry);

    const { failedIds } = await deliver(p, p.standard, consumer);

    expect(failedIds).toEqual([]);
    const record = await p.store.get(task.id);
    expect(record).toMatchObject({ status: 'SUCCEEDED', attempts: 1, type: 'test.ok' });
    expect(record?.result).toEqual({ doubled: 42, attempt: 1 });
    expect(record?.queueWaitMs).toBeGreaterThanOrEqual(0);
    expect(await depth(backend.sqs, p.standard.url)).toEqual({ visible: 0, inFlight: 0 });
    expect(consumer.metrics.count('succeeded', 'test.ok')).toBe(1);
  });

  it.skipIf(skipReason)(
    'retries a transient failure after its backoff, then succeeds',
    async () => {
      const task = envelope('test.flaky', { failTimes: 1 });
      await send(backend.sqs, p.standard, task);
      const recorder = recordingSqsClient(backend);
      // random 0.5 with a 2 s base: the first retry waits 1 s.
      const logger = recordingLogger();
      const consumer = buildConsumer(p, testRegistry, {
        sqs: recorder.client,
        random: () => 0.5,
        logger,
      });

      const first = await deliver(p, p.standard, consumer);

      expect(first.failedIds).toEqual([first.event.Records[0]?.messageId]);
      expect(recorder.visibility.map((v) => v.seconds)).toEqual([1]);
      const retrying = await p.store.get(task.id);
      expect(retrying).toMatchObject({ status: 'RETRYING', attempts: 1 });
      expect(retrying?.lastError?.message).toContain('flaky failure 1');
      // Hidden now; back once the visibility delay has passed (awaited with a long poll).
      expect(await depth(backend.sqs, p.standard.url)).toEqual({ visible: 0, inFlight: 1 });
      const second = await deliver(p, p.standard, consumer, { waitSeconds: 5 });
      expect(second.event.Records[0]?.attributes.ApproximateReceiveCount).toBe('2');
      expect(second.failedIds).toEqual([]);
      expect(await p.store.get(task.id)).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
      // A retry is routine: logged at info, with the stack, never as a warning.
      const levels = logger.lines.map((l) => JSON.parse(l) as { level: string; message: string });
      expect(levels).toContainEqual(
        expect.objectContaining({ level: 'info', message: 'task will retry' }),
      );
      expect(levels.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([]);
    },
  );

  it.skipIf(skipReason)('fails after maxAttempts with a DLQ copy carrying the error', async () => {
    const task = envelope('test.always', {});
    await send(backend.sqs, p.standard, task);
    const consumer = buildConsumer(p, testRegistry, { random: () => 0 });

    expect((await deliver(p, p.standard, consumer)).failedIds).toHaveLength(1);
    expect((await deliver(p, p.standard, consumer)).failedIds).toEqual([]);

    const record = await p.store.get(task.id);
    expect(record).toMatchObject({ status: 'FAILED', attempts: 2 });
    expect(record?.lastError?.code).toBe('retryable');
    const [copy] = await dlqCopies();
    expect(JSON.parse(copy?.Body ?? '{}').id).toBe(task.id);
    const attrs = copy?.MessageAttributes ?? {};
    expect(attrs[DLQ_ATTRIBUTE.reason]?.StringValue).toBe('attempts_exhausted');
    expect(attrs[DLQ_ATTRIBUTE.message]?.StringValue).toBe('downstream still down');
    expect(attrs[DLQ_ATTRIBUTE.taskId]?.StringValue).toBe(task.id);
    expect(attrs[DLQ_ATTRIBUTE.attempts]?.StringValue).toBe('2');
    expect(attrs[DLQ_ATTRIBUTE.sourceQueue]?.StringValue).toBe(p.standard.name);
    expect(await depth(backend.sqs, p.standard.url)).toEqual({ visible: 0, inFlight: 0 });
    expect(runs.get(task.id)).toBe(2);
  });

  it.skipIf(skipReason)(
    'caps an envelope maxAttempts at what the queue redrive allows, with a warning',
    async () => {
      const task = envelope('test.ok', { n: 5 }, { maxAttempts: 100 });
      await send(backend.sqs, p.standard, task);
      const logger = recordingLogger();
      const consumer = buildConsumer(p, testRegistry, { logger });

      await deliver(p, p.standard, consumer);

      expect((await p.store.get(task.id))?.maxAttempts).toBe(testRegistry.largestMaxAttempts);
      const warning = logger.lines.find((l) => l.includes('maxAttempts capped'));
      expect(JSON.parse(warning ?? '{}')).toMatchObject({
        level: 'warn',
        extra: [
          // Every line of the task names its trace.
          { traceId: expect.stringMatching(/^[0-9a-f]{32}$/) },
          { taskId: task.id, maxAttempts: 100, cappedTo: testRegistry.largestMaxAttempts },
        ],
      });
    },
  );

  it.skipIf(skipReason)('measures queue wait from when SQS took the message', async () => {
    // A producer's clock (or a replayed envelope) may say it was made an hour ago.
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const task = envelope('test.ok', { n: 1 }, { enqueuedAt: hourAgo });
    await send(backend.sqs, p.standard, task);

    await deliver(p, p.standard, buildConsumer(p, testRegistry));

    const record = await p.store.get(task.id);
    expect(record?.queueWaitMs).toBeGreaterThanOrEqual(0);
    expect(record?.queueWaitMs).toBeLessThan(600_000);
  });

  it.skipIf(skipReason)('sends a follow-up task from a handler, which then runs', async () => {
    const parent = envelope('test.spawn', { n: 4 });
    await send(backend.sqs, p.standard, parent);
    const consumer = buildConsumer(p, testRegistry);

    await deliver(p, p.standard, consumer);
    const spawned = await p.store.get(parent.id);
    const childId = (spawned?.result as { child?: string } | undefined)?.child ?? '';
    expect(childId).not.toBe('');
    await deliver(p, p.standard, consumer);

    expect(await p.store.get(childId)).toMatchObject({
      status: 'SUCCEEDED',
      type: 'test.ok',
      result: { doubled: 8, attempt: 1 },
    });
  });

  it.skipIf(skipReason)('fails the parent at once when its follow-up task is invalid', async () => {
    const parent = envelope('test.spawn', { n: 'not a number' });
    await send(backend.sqs, p.standard, parent);
    const consumer = buildConsumer(p, testRegistry);

    const { failedIds } = await deliver(p, p.standard, consumer);

    expect(failedIds).toEqual([]);
    expect(await p.store.get(parent.id)).toMatchObject({
      status: 'FAILED',
      attempts: 1,
      lastError: { code: 'invalid_payload' },
    });
    expect(await depth(backend.sqs, p.standard.url)).toEqual({ visible: 0, inFlight: 0 });
  });

  it.skipIf(skipReason)('fails a permanent error at once, without retry', async () => {
    const task = envelope('test.permanent', {});
    await send(backend.sqs, p.standard, task);
    const consumer = buildConsumer(p, testRegistry);

    expect((await deliver(p, p.standard, consumer)).failedIds).toEqual([]);

    expect(await p.store.get(task.id)).toMatchObject({
      status: 'FAILED',
      attempts: 1,
      lastError: { code: 'permanent', message: 'recipient does not exist' },
    });
    const [copy] = await dlqCopies();
    expect(copy?.MessageAttributes?.[DLQ_ATTRIBUTE.reason]?.StringValue).toBe('permanent');
    expect(runs.get(task.id)).toBe(1);
  });

  it.skipIf(skipReason)('dead-letters each poison kind and leaves good records alone', async () => {
    const good = envelope('test.ok', { n: 1 });
    const unknown = envelope('no.such-type', {});
    const invalid = envelope('test.ok', { n: 'one' });
    await send(backend.sqs, p.standard, 'not json at all');
    await send(backend.sqs, p.standard, JSON.stringify({ hello: 'world' }));
    await send(backend.sqs, p.standard, unknown);
    await send(backend.sqs, p.standard, invalid);
    await send(backend.sqs, p.standard, good);
    const consumer = buildConsumer(p, testRegistry);

    const { failedIds, event } = await deliver(p, p.standard, consumer, { count: 5 });

    expect(event.Records).toHaveLength(5);
    expect(failedIds).toEqual([]);
    expect(await p.store.get(good.id)).toMatchObject({ status: 'SUCCEEDED' });
    expect(await p.store.get(unknown.id)).toMatchObject({
      status: 'FAILED',
      lastError: { code: 'poison' },
    });
    const invalidRecord = await p.store.get(invalid.id);
    expect(invalidRecord).toMatchObject({
      status: 'FAILED',
      lastError: { code: 'invalid_payload' },
    });
    expect(JSON.stringify(invalidRecord?.lastError?.details)).toContain('"n"');
    const copies = await receive(backend.sqs, p.standard.dlqUrl, 10, 1);
    const reasons = copies.map((c) => c.MessageAttributes?.[DLQ_ATTRIBUTE.reason]?.StringValue);
    expect(reasons.sort()).toEqual(['invalid_payload', 'poison', 'poison', 'unknown_type']);
    const codes = copies.map((c) => c.MessageAttributes?.[DLQ_ATTRIBUTE.message]?.StringValue);
    expect(codes.join('\n')).toMatch(/not JSON/);
    expect(codes.join('\n')).toMatch(/not a taskpipe envelope/);
    expect(codes.join('\n')).toMatch(/known types: .*test\.ok/);
    expect(consumer.metrics.count('poison')).toBe(4);
    expect(await depth(backend.sqs, p.standard.url)).toEqual({ visible: 0, inFlight: 0 });
  });

  it.skipIf(skipReason)(
    'acknowledges a duplicate of a finished task without running it',
    async () => {
      const task = envelope('test.ok', { n: 2 });
      await send(backend.sqs, p.standard, task);
      await send(backend.sqs, p.standard, task);
      const consumer = buildConsumer(p, testRegistry, { config: { recordConcurrency: 1 } });

      const first = await deliver(p, p.standard, consumer);
      const second = await deliver(p, p.standard, consumer);

      expect(first.failedIds).toEqual([]);
      expect(second.failedIds).toEqual([]);
      expect(runs.get(task.id)).toBe(1);
      expect(consumer.metrics.count('duplicate')).toBe(1);
      expect(await p.store.get(task.id)).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
    },
  );

  it.skipIf(skipReason)('defers a concurrent duplicate while another lease is live', async () => {
    const task = envelope('test.ok', { n: 3 });
    await send(backend.sqs, p.standard, task);
    // Another worker holds the task for 5 more seconds.
    await p.store.claim({
      id: task.id,
      type: task.type,
      priority: 'default',
      maxAttempts: 5,
      enqueuedAt: Date.now(),
      leaseUntil: Date.now() + 5_000,
    });
    const recorder = recordingSqsClient(backend);
    const consumer = buildConsumer(p, testRegistry, { sqs: recorder.client });

    const { failedIds } = await deliver(p, p.standard, consumer);

    expect(failedIds).toHaveLength(1);
    expect(runs.get(task.id)).toBeUndefined();
    const [change] = recorder.visibility;
    expect(change?.seconds).toBeGreaterThanOrEqual(1);
    expect(change?.seconds).toBeLessThanOrEqual(5);
    expect(await p.store.get(task.id)).toMatchObject({ status: 'RUNNING', attempts: 1 });
    expect(await depth(backend.sqs, p.standard.url)).toEqual({ visible: 0, inFlight: 1 });
  });

  it.skipIf(skipReason)(
    'treats a synchronous throw as a retryable failure of that record only',
    async () => {
      const bad = envelope('test.sync-throw', {});
      const good = envelope('test.ok', { n: 4 });
      await send(backend.sqs, p.standard, bad);
      await send(backend.sqs, p.standard, good);
      const consumer = buildConsumer(p, testRegistry);

      const { failedIds, event } = await deliver(p, p.standard, consumer, { count: 2 });

      const badRecord = event.Records.find((r) => r.body.includes(bad.id));
      expect(failedIds).toEqual([badRecord?.messageId]);
      expect(await p.store.get(bad.id)).toMatchObject({
        status: 'RETRYING',
        lastError: {
          message: 'synchronous bug',
          stack: expect.stringMatching(/^TypeError: synchronous bug\n\s+at .*testTasks\.ts/),
        },
      });
      expect(await p.store.get(good.id)).toMatchObject({ status: 'SUCCEEDED' });
    },
  );
});
