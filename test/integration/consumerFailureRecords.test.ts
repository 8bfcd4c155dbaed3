import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { DLQ_ATTRIBUTE } from '../../functions/core/consumer/deadLetterAttributes.js';
import { PermanentError, RetryableError } from '../../functions/core/errors.js';
import type { Clock, LogFields, Logger } from '../../functions/core/ports.js';
import { createRegistry } from '../../functions/core/registry.js';
import { defineTask } from '../../functions/core/task.js';
import { type Backend, backendFactories } from '../helpers/backends.js';
import {
  buildConsumer,
  createPipeline,
  envelope,
  type Pipeline,
  receive,
  receiveEvent,
  send,
} from '../helpers/consumerHarness.js';

/** Keeps every log line, so a test can read what an operator would. */
class RecordingLogger implements Logger {
  readonly lines: { level: string; message: string; fields?: LogFields }[] = [];
  debug = (message: string, ...extra: LogFields[]) => this.keep('debug', message, extra);
  info = (message: string, ...extra: LogFields[]) => this.keep('info', message, extra);
  warn = (message: string, ...extra: LogFields[]) => this.keep('warn', message, extra);
  error = (message: string, ...extra: LogFields[]) => this.keep('error', message, extra);
  private keep(level: string, message: string, extra: LogFields[]) {
    // The trace id is the trace tests' subject (test/integration/trace); here, the fields.
    const { traceId: _traceId, ...fields } = Object.assign({}, ...extra) as LogFields;
    this.lines.push({ level, message, ...(Object.keys(fields).length ? { fields } : {}) });
  }
  errors() {
    return this.lines.filter((l) => l.level === 'error');
  }
}

const registry = createRegistry([
  defineTask({
    type: 'fr.permanent',
    schema: z.object({ details: z.unknown().optional() }),
    handler: (payload) => {
      throw new PermanentError('recipient does not exist', { details: payload.details });
    },
  }),
  defineTask({ type: 'fr.ok', schema: z.object({ n: z.number() }), handler: () => null }),
  defineTask({
    type: 'fr.retry',
    schema: z.object({}),
    maxAttempts: 3,
    backoff: { baseMs: 2_000, capMs: 60_000 },
    handler: () => {
      throw new RetryableError('downstream busy');
    },
  }),
]);

// What a failure leaves behind besides its status: metrics, logs, the DLQ copy's facts.
describe.each(backendFactories)('failure records on $name', ({ name, start, skipReason }) => {
  if (skipReason) console.warn(`skipping failure records on ${name}: ${skipReason}`);
  const test = it.skipIf(skipReason !== undefined);
  let backend: Backend;
  let p: Pipeline;

  beforeAll(async () => {
    if (!skipReason) backend = await start();
  });
  afterAll(async () => backend?.stop());
  beforeEach(async () => {
    if (!skipReason) p = await createPipeline(backend);
  });

  const dlqCopies = (wait = 1) => receive(backend.sqs, p.standard.dlqUrl, 10, wait);
  const reasonOf = (copy: { MessageAttributes?: Record<string, { StringValue?: string }> }) =>
    copy.MessageAttributes?.[DLQ_ATTRIBUTE.reason]?.StringValue;

  test('counts a poison message under type "unknown" and logs it with its message id', async () => {
    await send(backend.sqs, p.standard, 'not json at all');
    const logger = new RecordingLogger();
    const consumer = buildConsumer(p, registry, { logger });
    const event = await receiveEvent(p, p.standard, 1);

    await consumer.invoke(event);

    expect(consumer.metrics.events).toEqual([{ type: 'unknown', outcome: 'poison' }]);
    expect(logger.errors()).toEqual([
      {
        level: 'error',
        message: 'poison message dead-lettered',
        fields: {
          messageId: event.Records[0]?.messageId,
          error: { code: 'poison', message: expect.stringContaining('not JSON') },
        },
      },
    ]);
  });

  test("counts and logs a success and a retry, timed by the consumer's clock", async () => {
    const ok = envelope('fr.ok', { n: 1 });
    const retry = envelope('fr.retry', {});
    // The clock stands before the messages were sent: queue wait is 0, never negative.
    const now = Date.now();
    const clock: Clock = { now: () => now };
    for (const t of [ok, retry]) await send(backend.sqs, p.standard, t);
    const logger = new RecordingLogger();
    const consumer = buildConsumer(p, registry, { logger, clock, random: () => 0.5 });
    const event = await receiveEvent(p, p.standard, 2);
    const messageId = (id: string) => event.Records.find((r) => r.body.includes(id))?.messageId;

    await consumer.invoke(event);

    const events = (type: string) => consumer.metrics.events.filter((e) => e.type === type);
    expect(events('fr.ok')).toEqual([
      { type: 'fr.ok', outcome: 'started', queueWaitMs: 0 },
      { type: 'fr.ok', outcome: 'succeeded', durationMs: 0 },
    ]);
    expect(events('fr.retry')).toEqual([
      { type: 'fr.retry', outcome: 'started', queueWaitMs: 0 },
      { type: 'fr.retry', outcome: 'attempted', durationMs: 0 },
      { type: 'fr.retry', outcome: 'retried' },
    ]);
    const fields = (t: { id: string; type: string }) => ({
      taskId: t.id,
      type: t.type,
      attempt: 1,
      messageId: messageId(t.id),
    });
    expect(logger.lines).toContainEqual({
      level: 'info',
      message: 'task succeeded',
      fields: { ...fields(ok), durationMs: 0 },
    });
    // A retry is routine: info, not warn, so that warnings stay worth reading.
    expect(logger.lines).toContainEqual({
      level: 'info',
      message: 'task will retry',
      fields: {
        ...fields(retry),
        delayMs: 1_000,
        error: {
          code: 'retryable',
          message: 'downstream busy',
          stack: expect.stringMatching(/^RetryableError: downstream busy\n\s+at /),
        },
      },
    });
  });

  test('logs a record it does not start near the deadline', async () => {
    await send(backend.sqs, p.standard, envelope('fr.ok', { n: 1 }));
    const logger = new RecordingLogger();
    const consumer = buildConsumer(p, registry, { logger, config: { safetyMarginMs: 5_000 } });
    const event = await receiveEvent(p, p.standard, 1);

    await consumer.invoke(event, 1_000);

    expect(consumer.metrics.events).toEqual([]);
    expect(logger.lines).toContainEqual({
      level: 'warn',
      message: 'record not started: invocation deadline near',
      fields: {
        messageId: event.Records[0]?.messageId,
        error: expect.stringMatching(
          /^not started: \d+ ms left in the invocation, under the safety margin$/,
        ),
      },
    });
  });

  test('counts a permanent failure as failed and an invalid payload as poison, and logs each', async () => {
    const failing = envelope('fr.permanent', {});
    const invalid = envelope('fr.ok', { n: 'one' });
    for (const t of [failing, invalid]) await send(backend.sqs, p.standard, t);
    const logger = new RecordingLogger();
    const consumer = buildConsumer(p, registry, { logger });

    await consumer.invoke(await receiveEvent(p, p.standard, 2));

    expect(consumer.metrics.count('failed', 'fr.permanent')).toBe(1);
    expect(consumer.metrics.count('poison', 'fr.permanent')).toBe(0);
    expect(consumer.metrics.count('poison', 'fr.ok')).toBe(1);
    expect(consumer.metrics.count('failed', 'fr.ok')).toBe(0);
    const failed = logger.errors().find((l) => l.fields?.taskId === failing.id);
    expect(failed).toEqual({
      level: 'error',
      message: 'task failed',
      fields: {
        taskId: failing.id,
        type: 'fr.permanent',
        attempt: 1,
        reason: 'permanent',
        error: {
          code: 'permanent',
          message: 'recipient does not exist',
          stack: expect.stringMatching(/^PermanentError: recipient does not exist\n\s+at /),
        },
      },
    });
  });

  test.each([
    { details: { httpStatus: 404 }, stored: { reason: 'permanent', httpStatus: 404 } },
    { details: 'plain text', stored: { reason: 'permanent' } },
  ])('stores the reason with the error details $details', async ({ details, stored }) => {
    const task = envelope('fr.permanent', { details });
    await send(backend.sqs, p.standard, task);
    const consumer = buildConsumer(p, registry);

    await consumer.invoke(await receiveEvent(p, p.standard, 1));

    expect((await p.store.get(task.id))?.lastError?.details).toEqual(stored);
  });

  test('sends no second DLQ copy for a redelivered task that already has one', async () => {
    const task = envelope('fr.permanent', {});
    await send(backend.sqs, p.standard, task);
    const consumer = buildConsumer(p, registry);
    const event = await receiveEvent(p, p.standard, 1);
    await consumer.invoke(event);
    expect(await dlqCopies()).toHaveLength(1);

    const again = await consumer.invoke(event);

    expect(again.batchItemFailures).toEqual([]);
    expect(consumer.metrics.count('duplicate')).toBe(1);
    expect(await dlqCopies(0)).toEqual([]);
  });

  test.each([
    {
      name: 'its recorded reason',
      error: {
        code: 'attempts_exhausted',
        message: 'all 3 attempts used',
        details: { reason: 'attempts_exhausted' },
      },
      copy: {
        reason: 'attempts_exhausted',
        code: 'attempts_exhausted',
        message: 'all 3 attempts used',
      },
    },
    {
      name: 'stand-ins when no error was recorded',
      error: undefined,
      copy: { reason: 'permanent', code: 'unknown', message: '(no message recorded)' },
    },
  ])('sends a missing DLQ copy with $name', async ({ error, copy }) => {
    const task = envelope('fr.permanent', {});
    const now = Date.now();
    await p.store.claim({ ...task, enqueuedAt: now, maxAttempts: 3, leaseUntil: now + 60_000 });
    const recorded = error ?? { code: 'x', message: 'x' };
    await p.store.finish(task.id, 1, { status: 'FAILED', error: recorded });
    if (!error) {
      await backend.dynamodb.send(
        new UpdateItemCommand({
          TableName: p.tableName,
          Key: { id: { S: task.id } },
          UpdateExpression: 'REMOVE lastError',
        }),
      );
    }
    await send(backend.sqs, p.standard, task);
    const consumer = buildConsumer(p, registry);

    await consumer.invoke(await receiveEvent(p, p.standard, 1));

    const [sent] = await dlqCopies();
    expect(reasonOf(sent!)).toBe(copy.reason);
    expect(sent?.MessageAttributes?.[DLQ_ATTRIBUTE.code]?.StringValue).toBe(copy.code);
    expect(sent?.MessageAttributes?.[DLQ_ATTRIBUTE.message]?.StringValue).toBe(copy.message);
    expect((await p.store.get(task.id))?.deadLetteredAt).toBeGreaterThan(0);
  });
});
