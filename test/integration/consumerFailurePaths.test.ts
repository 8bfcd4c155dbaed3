import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { DynamoTaskStore } from '../../functions/adapters/dynamodb/DynamoTaskStore.js';
import { PermanentError, RetryableError } from '../../functions/core/errors.js';
import { MAX_PAYLOAD_DEPTH } from '../../functions/core/nesting.js';
import type { Clock } from '../../functions/core/ports.js';
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
import { recordingSqsClient } from '../helpers/sqsRecorder.js';
import { gates, openGate } from '../helpers/testTasks.js';

/** What a gated attempt does once the test releases it. */
type GateEnd = 'succeed' | 'retry' | 'fail';

const registry = createRegistry([
  defineTask({
    type: 'fp.retry-after',
    // JSON has no Infinity: the string stands for it.
    schema: z.object({ retryAfterMs: z.union([z.number(), z.literal('Infinity')]) }),
    maxAttempts: 5,
    backoff: { baseMs: 2_000, capMs: 60_000 },
    handler: (payload) => {
      const asked = payload.retryAfterMs === 'Infinity' ? Infinity : payload.retryAfterMs;
      throw new RetryableError('rate limited', { retryAfterMs: asked });
    },
  }),
  defineTask({ type: 'fp.ok', schema: z.object({}), handler: () => ({ done: true }) }),
  defineTask({ type: 'fp.any', schema: z.unknown(), handler: () => ({ done: true }) }),
  defineTask({
    type: 'fp.short',
    schema: z.object({}),
    timeoutMs: 300,
    handler: () => ({ done: true }),
  }),
  defineTask({
    type: 'fp.gated',
    schema: z.object({}),
    maxAttempts: 5,
    handler: async (_payload, ctx) => {
      const gate = gates.get(`${ctx.taskId}#${ctx.attempt}`);
      if (!gate) return { attempt: ctx.attempt };
      gate.markStarted();
      const end = (await gate.released) as GateEnd;
      if (end === 'retry') throw new RetryableError(`late failure of attempt ${ctx.attempt}`);
      if (end === 'fail') throw new PermanentError(`late failure of attempt ${ctx.attempt}`);
      return { attempt: ctx.attempt };
    },
  }),
  defineTask({
    type: 'fp.permanent',
    schema: z.object({}),
    handler: () => {
      throw new PermanentError('recipient does not exist');
    },
  }),
]);

/** SQS's 12-hour visibility ceiling, less the 15 minutes an invocation may have used. */
const MAX_DELAY_MS = (43_200 - 900) * 1_000;

describe.each(backendFactories)(
  'consumer failure paths on $name',
  ({ name, start, skipReason }) => {
    if (skipReason) console.warn(`skipping consumer failure paths on ${name}: ${skipReason}`);
    const test = it.skipIf(skipReason !== undefined);
    let backend: Backend;
    let p: Pipeline;
    let now: number;
    const fixedClock: Clock = { now: () => now };

    beforeAll(async () => {
      if (!skipReason) backend = await start();
    });
    afterAll(async () => backend?.stop());
    beforeEach(async () => {
      now = Date.now();
      if (!skipReason) p = await createPipeline(backend);
    });

    // Backoff with random 0.5 after attempt 1 would be 1 s; a Retry-After replaces it, capped.
    test.each([
      { asked: 7_000, delayMs: 7_000, seconds: 7 },
      { asked: 0, delayMs: 0, seconds: 0 },
      { asked: 'Infinity', delayMs: 1_000, seconds: 1 },
      { asked: 86_400_000, delayMs: MAX_DELAY_MS, seconds: 42_300 },
    ])(
      'retries after a Retry-After of $asked ms in $delayMs ms',
      async ({ asked, delayMs, seconds }) => {
        const task = envelope('fp.retry-after', { retryAfterMs: asked });
        await send(backend.sqs, p.standard, task);
        const sqs = recordingSqsClient(backend);
        const consumer = buildConsumer(p, registry, { clock: fixedClock, sqs: sqs.client });

        const response = await consumer.invoke(await receiveEvent(p, p.standard, 1));

        expect(response.batchItemFailures).toHaveLength(1);
        expect(await p.store.get(task.id)).toMatchObject({
          status: 'RETRYING',
          attempts: 1,
          nextAttemptAt: now + delayMs,
        });
        expect(sqs.visibility.map((v) => v.seconds)).toEqual([seconds]);
      },
    );

    // 200 ms margin: a record starts only with min(timeout, 1 s) left beyond it.
    test.each([
      { type: 'fp.ok', remainingMs: 1_199, started: false },
      { type: 'fp.ok', remainingMs: 1_200, started: true },
      { type: 'fp.short', remainingMs: 500, started: true },
      { type: 'fp.short', remainingMs: 499, started: false },
    ])(
      'with $remainingMs ms left, $type starts: $started',
      async ({ type, remainingMs, started }) => {
        const task = envelope(type, {});
        await send(backend.sqs, p.standard, task);
        const consumer = buildConsumer(p, registry, {
          clock: fixedClock,
          config: { safetyMarginMs: 200 },
        });

        const response = await consumer.invoke(await receiveEvent(p, p.standard, 1), remainingMs);

        expect(response.batchItemFailures).toHaveLength(started ? 0 : 1);
        const record = await p.store.get(task.id);
        // Not started means no claim: no attempt spent.
        if (started) expect(record).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
        else expect(record).toBeUndefined();
      },
    );

    for (const end of ['retry', 'fail'] as const) {
      test(`refuses a late ${end} from a worker whose lease another attempt took`, async () => {
        const task = envelope('fp.gated', {});
        await send(backend.sqs, p.standard, task);
        const event = await receiveEvent(p, p.standard, 1);
        const gateA = openGate(task.id, 1);
        const gateB = openGate(task.id, 2);
        const sqsA = recordingSqsClient(backend);
        const workerA = buildConsumer(p, registry, { sqs: sqsA.client });
        // Worker B's clock is two minutes ahead, so A's lease looks expired to it.
        const later = { now: () => Date.now() + 120_000 };
        const storeB = new DynamoTaskStore({
          client: backend.dynamodb,
          tableName: p.tableName,
          clock: later,
        });
        const workerB = buildConsumer(p, registry, { clock: later, store: storeB });

        const a = workerA.invoke(event);
        await gateA.started;
        const b = workerB.invoke(event);
        await gateB.started;
        // A ends while B's attempt 2 is running: only the attempt number fences A out.
        gateA.release(end);
        const staleResponse = await a;
        expect(await p.store.get(task.id)).toMatchObject({ status: 'RUNNING', attempts: 2 });
        gateB.release('succeed');
        const fresh = await b;

        expect(staleResponse.batchItemFailures).toEqual([
          { itemIdentifier: event.Records[0]?.messageId },
        ]);
        expect(sqsA.visibility).toEqual([]);
        expect(fresh.batchItemFailures).toEqual([]);
        expect(await p.store.get(task.id)).toMatchObject({
          status: 'SUCCEEDED',
          attempts: 2,
          result: { attempt: 2 },
        });
        expect(await receive(backend.sqs, p.standard.dlqUrl, 10, 0)).toEqual([]);
      });
    }

    test.each([
      { levels: MAX_PAYLOAD_DEPTH, status: 'SUCCEEDED' },
      { levels: MAX_PAYLOAD_DEPTH + 1, status: 'FAILED' },
    ])('a payload $levels levels deep ends $status', async ({ levels, status }) => {
      const task = envelope('fp.any', {});
      // Raw text, as any producer may send it; the payload is `levels` objects deep.
      const deep = `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
      await send(
        backend.sqs,
        p.standard,
        JSON.stringify(task).replace('"payload":{}', `"payload":${deep}`),
      );
      const consumer = buildConsumer(p, registry);

      const response = await consumer.invoke(await receiveEvent(p, p.standard, 1));

      expect(response.batchItemFailures).toEqual([]);
      const record = await p.store.get(task.id);
      expect(record?.status).toBe(status);
      const copies = await receive(backend.sqs, p.standard.dlqUrl, 10, status === 'FAILED' ? 1 : 0);
      if (status === 'SUCCEEDED') expect(copies).toEqual([]);
      else {
        expect(record?.lastError).toMatchObject({ code: 'invalid_payload' });
        expect(record?.lastError?.message).toContain(`at most ${MAX_PAYLOAD_DEPTH} are allowed`);
        expect(copies).toHaveLength(1);
      }
    });

    test('dead-letters a FIFO task in its message group, deduplicated by message id', async () => {
      const task = envelope('fp.permanent', {});
      await send(backend.sqs, p.fifo, task, 'group-7');
      const event = await receiveEvent(p, p.fifo, 1);
      const consumer = buildConsumer(p, registry);

      const response = await consumer.invoke(event);

      expect(response.batchItemFailures).toEqual([]);
      const [copy] = await receive(backend.sqs, p.fifo.dlqUrl, 10, 1);
      expect(copy?.Body).toBe(event.Records[0]?.body);
      expect(copy?.Attributes).toMatchObject({
        MessageGroupId: 'group-7',
        MessageDeduplicationId: event.Records[0]?.messageId,
      });
    });
  },
);
