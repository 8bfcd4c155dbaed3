import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { emailSendRateNotes } from '../../../definition/flowControl.js';
import { parsePipelineDefinition } from '../../../definition/index.js';
import { parseConsumerConfig } from '../../../functions/consumer/config.js';
import type { AdmissionRequest } from '../../../functions/core/consumer/admission/types.js';
import { rateLimitGates } from '../../../functions/core/flow/RateLimitGate.js';
import type { RateLimitStore, StoredBucket } from '../../../functions/core/flow/RateLimitStore.js';
import { createRegistry } from '../../../functions/core/registry.js';
import { type AnyTaskDefinition, defineTask } from '../../../functions/core/task.js';
import { defaultRateLimits } from '../../../functions/email/sendRate.js';
import { emailSend } from '../../../functions/tasks/emailSend.js';

const T0 = Date.parse('2026-12-01T10:00:00.000Z');
const clock = { now: () => T0 };

/** A bucket store in memory that records each bucket it is asked for. */
function memoryBuckets(): RateLimitStore & { touched: string[] } {
  const buckets = new Map<string, StoredBucket>();
  const touched: string[] = [];
  return {
    touched,
    async read(bucket) {
      touched.push(bucket);
      return buckets.get(bucket);
    },
    async write(bucket, state, expected) {
      touched.push(bucket);
      if ((buckets.get(bucket)?.version ?? 0) !== expected) return undefined;
      const stored = { ...state, version: expected + 1 };
      buckets.set(bucket, stored);
      return stored;
    },
  };
}

const plain = defineTask({ type: 'report.plain', schema: z.object({}), handler: () => null });
const ownRate = defineTask({
  type: 'email.send',
  schema: z.object({}),
  rateLimit: { perSecond: 14, burst: 14 },
  handler: () => null,
});

function request(definition: AnyTaskDefinition): AdmissionRequest {
  return {
    taskId: `t-${definition.type}`,
    type: definition.type,
    envelope: {} as AdmissionRequest['envelope'],
    definition,
    payload: {},
    now: T0,
    deferrals: 0,
  };
}

describe("email.send's default send rate", () => {
  it('is the pipeline setting per second, with at least one email at once', () => {
    expect(defaultRateLimits(1)).toEqual({ 'email.send': { perSecond: 1, burst: 1 } });
    expect(defaultRateLimits(14)).toEqual({ 'email.send': { perSecond: 14, burst: 14 } });
    expect(defaultRateLimits(2.5)).toEqual({ 'email.send': { perSecond: 2.5, burst: 2 } });
    expect(defaultRateLimits(0.5)).toEqual({ 'email.send': { perSecond: 0.5, burst: 1 } });
  });

  it('gates the built-in email.send at the default rate: one now, the next a second later', async () => {
    const store = memoryBuckets();
    const gate = rateLimitGates(store, clock, defaultRateLimits(1))(emailSend)!;

    const first = await gate.admit(request(emailSend));
    const second = await gate.admit(request(emailSend));

    expect(first).toEqual({ kind: 'run' });
    expect(second).toMatchObject({
      kind: 'defer',
      reason: 'rate_limit',
      detail: { perSecond: 1, burst: 1 },
    });
    // The next token is a second away (the deferral adds a little spread on top).
    expect(second.kind === 'defer' && second.delayMs).toBeGreaterThanOrEqual(1_000);
    expect(new Set(store.touched)).toEqual(new Set(['email.send#']));
  });

  it('gives no gate, so no request, to a type it does not name', () => {
    const store = memoryBuckets();

    expect(rateLimitGates(store, clock, defaultRateLimits(1))(plain)).toBeUndefined();
    expect(rateLimitGates(store, clock)(emailSend)).toBeUndefined();
    expect(store.touched).toEqual([]);
  });

  it('yields to a rate limit set on the type itself', async () => {
    const gate = rateLimitGates(memoryBuckets(), clock, defaultRateLimits(1))(ownRate)!;

    const admissions = [];
    for (let i = 0; i < 15; i++) admissions.push(await gate.admit(request(ownRate)));

    expect(admissions.filter((a) => a.kind === 'run')).toHaveLength(14);
    expect(admissions.at(-1)).toMatchObject({ kind: 'defer', detail: { perSecond: 14 } });
  });
});

describe('email.maxSendRate in the definition', () => {
  const registry = createRegistry([emailSend, plain]);
  const queues = (fifo: boolean) => [
    { priority: 'default', maxConcurrency: 5 },
    ...(fifo ? [{ priority: 'ordered', maxConcurrency: 5, fifo: true }] : []),
  ];

  it('defaults to the SES sandbox rate, and takes the account quota', () => {
    expect(parsePipelineDefinition({ queues: queues(false) }, registry).email).toEqual({
      maxSendRate: 1,
    });
    const set = parsePipelineDefinition(
      { queues: queues(false), email: { maxSendRate: 14 } },
      registry,
    );
    expect(set.email.maxSendRate).toBe(14);
  });

  it('refuses a rate that is not positive, naming the field', () => {
    expect(() =>
      parsePipelineDefinition({ queues: queues(false), email: { maxSendRate: 0 } }, registry),
    ).toThrow(/email\.maxSendRate/);
  });

  it('synthesizes with a FIFO queue, noting that the default does not hold there', () => {
    const config = parsePipelineDefinition({ queues: queues(true) }, registry);

    expect(emailSendRateNotes(config, registry.definitions)).toEqual([
      expect.stringContaining(
        'email.send sent to FIFO queue "ordered" is not held to email.maxSendRate (1/s)',
      ),
    ]);
    const standard = parsePipelineDefinition({ queues: queues(false) }, registry);
    expect(emailSendRateNotes(standard, registry.definitions)).toEqual([]);
    expect(emailSendRateNotes(config, createRegistry([plain]).definitions)).toEqual([]);
  });

  it('still refuses a rate limit set by hand on email.send with a FIFO queue', () => {
    const own = createRegistry([ownRate, plain]);

    expect(() => parsePipelineDefinition({ queues: queues(true) }, own)).toThrow(
      'task type "email.send" has rateLimit, but queue "ordered" is FIFO',
    );
  });

  it('reaches the consumer as TASKPIPE_EMAIL_MAX_SEND_RATE, 1 when unset', () => {
    const env = {
      TASKPIPE_TABLE_NAME: 'tasks',
      TASKPIPE_QUEUES: JSON.stringify([
        {
          priority: 'default',
          name: 'q',
          url: 'https://q.example/q',
          dlqUrl: 'https://q.example/d',
        },
      ]),
    };
    expect(parseConsumerConfig(env).emailMaxSendRate).toBe(1);
    expect(
      parseConsumerConfig({ ...env, TASKPIPE_EMAIL_MAX_SEND_RATE: '14' }).emailMaxSendRate,
    ).toBe(14);
    expect(() => parseConsumerConfig({ ...env, TASKPIPE_EMAIL_MAX_SEND_RATE: '0' })).toThrow(
      /TASKPIPE_EMAIL_MAX_SEND_RATE/,
    );
  });
});
