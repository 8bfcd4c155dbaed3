import { afterEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import type { Enqueuer } from '../../../functions/core/consumer/Enqueuer.js';
import { TaskProcessor } from '../../../functions/core/consumer/TaskProcessor.js';
import type { QueueMessage } from '../../../functions/core/consumer/types.js';
import type { Envelope } from '../../../functions/core/envelope.js';
import { type ErrorCode, TaskpipeError } from '../../../functions/core/errors.js';
import type {
  AttemptEnd,
  ClaimRequest,
  ClaimResult,
  FenceResult,
  LogFields,
  Logger,
  QueuePort,
  TaskStore,
} from '../../../functions/core/ports.js';
import { createRegistry } from '../../../functions/core/registry.js';
import type { TaskErrorInfo, TaskRecord } from '../../../functions/core/status.js';
import { defineTask } from '../../../functions/core/task.js';
import { envelope, RecordingMetrics } from '../../helpers/consumerHarness.js';

const NOW = 1_700_000_000_000;
const MARGIN_MS = 200;

/** A retryable error that asks for a delay the processor must not trust. */
class RetryAfterError extends TaskpipeError {
  readonly code: ErrorCode = 'retryable';
  readonly retryable = true;
  constructor(readonly retryAfterMs: number) {
    super('asks for its own delay');
  }
}

const never = () => new Promise<never>(() => undefined);

const registry = createRegistry([
  defineTask({ type: 'alpha', schema: z.object({}), handler: () => null }),
  defineTask({ type: 'beta', schema: z.object({}), handler: () => null }),
  defineTask({ type: 'hangs', schema: z.object({}), timeoutMs: 30_000, handler: never }),
  defineTask({ type: 'short', schema: z.object({}), timeoutMs: 1_000, handler: never }),
  asksForDelay('negative', -60_000),
  asksForDelay('endless', Number.POSITIVE_INFINITY),
  asksForDelay('now', 0),
]);

function asksForDelay(type: string, retryAfterMs: number) {
  return defineTask({
    type,
    schema: z.object({}),
    handler: () => {
      throw new RetryAfterError(retryAfterMs);
    },
  });
}

class RecordingLogger implements Logger {
  readonly lines: { level: string; message: string; fields: LogFields }[] = [];
  debug(message: string, fields: LogFields = {}) {
    this.lines.push({ level: 'debug', message, fields });
  }
  info(message: string, fields: LogFields = {}) {
    this.lines.push({ level: 'info', message, fields });
  }
  warn(message: string, fields: LogFields = {}) {
    this.lines.push({ level: 'warn', message, fields });
  }
  error(message: string, fields: LogFields = {}) {
    this.lines.push({ level: 'error', message, fields });
  }
  warnings() {
    return this.lines.filter((l) => l.level === 'warn');
  }
}

/** A store whose claim answers as told and which remembers every attempt's end. */
class FakeStore {
  readonly ends: AttemptEnd[] = [];
  claimAnswer?: (request: ClaimRequest) => ClaimResult;

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    if (this.claimAnswer) return this.claimAnswer(request);
    return { kind: 'claimed', record: running(request) };
  }
  async finish(id: string, attempts: number, outcome: AttemptEnd): Promise<FenceResult> {
    this.ends.push(outcome);
    return { ok: true, record: { ...running({ id, type: 'x' }), attempts } };
  }
  async markRetrying(
    id: string,
    attempts: number,
    error: TaskErrorInfo,
    nextAttemptAt: number,
  ): Promise<FenceResult> {
    this.ends.push({ status: 'RETRYING', error, nextAttemptAt });
    return { ok: true, record: { ...running({ id, type: 'x' }), attempts } };
  }
  async markDeadLettered(): Promise<void> {}
}

function running(request: { id: string; type: string }, fields: Partial<TaskRecord> = {}) {
  return {
    id: request.id,
    type: request.type,
    status: 'RUNNING',
    priority: 'default',
    attempts: 1,
    maxAttempts: 5,
    createdAt: NOW,
    expiresAt: 0,
    ...fields,
  } satisfies TaskRecord;
}

function message(body: string | Envelope): QueueMessage {
  return {
    messageId: 'm-1',
    receiptHandle: 'rh-1',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    queue: { priority: 'default', name: 'q', url: 'http://q', dlqUrl: 'http://dlq', fifo: false },
    receiveCount: 1,
    sentTimestamp: NOW,
    attributes: {},
  };
}

function processor(now: () => number = () => NOW) {
  const store = new FakeStore();
  const logger = new RecordingLogger();
  const sent: { url: string; attributes?: Record<string, string> }[] = [];
  const visibility: number[] = [];
  const queue: QueuePort = {
    changeVisibility: async (_url, _handle, seconds) => {
      visibility.push(seconds);
    },
    send: async (url, _body, options) => {
      sent.push({ url, ...(options?.attributes ? { attributes: options.attributes } : {}) });
      return { messageId: 'dlq-1' };
    },
    sendBatch: async () => [],
  };
  const tasks = new TaskProcessor({
    registry,
    store: store as unknown as TaskStore,
    queue,
    enqueuer: {} as Enqueuer,
    clock: { now },
    logger,
    metrics: new RecordingMetrics(),
    safetyMarginMs: MARGIN_MS,
    random: () => 0.5,
  });
  return { tasks, store, logger, sent, visibility };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('TaskProcessor: time left in the invocation', () => {
  it('leaves a record unstarted, unacknowledged, when less than the safety margin is left', async () => {
    const { tasks, sent } = processor();
    const outcome = await tasks.process(message('not json'), { deadline: NOW + MARGIN_MS - 1 });
    expect(outcome).toEqual({ kind: 'not_started', ack: false, remainingMs: MARGIN_MS - 1 });
    expect(sent).toEqual([]);
  });

  it('still handles a record when exactly the safety margin is left', async () => {
    const { tasks, sent } = processor();
    const outcome = await tasks.process(message('not json'), { deadline: NOW + MARGIN_MS });
    expect(outcome).toMatchObject({ kind: 'failed', ack: true, reason: 'poison' });
    expect(sent.map((s) => s.url)).toEqual(['http://dlq']);
  });

  it('claims nothing when the handler would get less than its least budget, and says how long was left', async () => {
    const { tasks, store } = processor();
    let claimed = false;
    store.claimAnswer = (request) => {
      claimed = true;
      return { kind: 'claimed', record: running(request) };
    };
    const outcome = await tasks.process(message(envelope('alpha', {})), {
      deadline: NOW + MARGIN_MS + 999,
    });
    expect(outcome).toEqual({ kind: 'not_started', ack: false, remainingMs: MARGIN_MS + 999 });
    expect(claimed).toBe(false);
  });
});

describe('TaskProcessor: poison and unknown types', () => {
  it('dead-letters an unparseable body as poison and acknowledges it', async () => {
    const { tasks, sent } = processor();
    const outcome = await tasks.process(message('{"v":1}'), { deadline: NOW + 60_000 });
    expect(outcome).toEqual({ kind: 'failed', ack: true, reason: 'poison', code: 'poison' });
    expect(sent[0]?.attributes?.['taskpipe.failure-reason']).toBe('poison');
  });

  it('fails an unknown type with a message naming every known type', async () => {
    const { tasks, store } = processor();
    const task = envelope('gamma', {});
    const outcome = await tasks.process(message(task), { deadline: NOW + 60_000 });
    expect(outcome).toEqual({
      kind: 'failed',
      ack: true,
      taskId: task.id,
      reason: 'unknown_type',
      code: 'poison',
    });
    expect(store.ends[0]).toMatchObject({
      status: 'FAILED',
      error: {
        code: 'poison',
        message:
          'unknown task type "gamma"; known types: alpha, beta, endless, hangs, negative, now, short',
      },
    });
  });

  it('warns, naming the task, when a traceparent is not W3C trace context', async () => {
    const { tasks, logger } = processor();
    const task = envelope('alpha', {}, { traceparent: 'not-a-traceparent' });
    await tasks.process(message(task), { deadline: NOW + 60_000 });
    expect(logger.warnings()).toEqual([
      {
        level: 'warn',
        message: 'traceparent is not valid W3C trace context; a new trace starts',
        fields: { taskId: task.id },
      },
    ]);
  });
});

describe('TaskProcessor: claims held elsewhere and used-up attempts', () => {
  it('defers a task another attempt holds, for the rest of its lease', async () => {
    const { tasks, store, visibility } = processor();
    store.claimAnswer = (request) => ({
      kind: 'leased',
      record: running(request),
      leaseRemainingMs: 7_500,
    });
    const task = envelope('alpha', {});
    const outcome = await tasks.process(message(task), { deadline: NOW + 60_000 });
    expect(outcome).toEqual({ kind: 'deferred', ack: false, taskId: task.id, delayMs: 7_500 });
    expect(visibility).toEqual([8]);
  });

  it('fails a task whose last attempt died with its invocation, counting the attempts started', async () => {
    const { tasks, store } = processor();
    store.claimAnswer = (request) => ({
      kind: 'claimed',
      record: running(request, { attempts: 4, maxAttempts: 3 }),
    });
    const outcome = await tasks.process(message(envelope('alpha', {})), {
      deadline: NOW + 60_000,
    });
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'attempts_exhausted' });
    expect(store.ends[0]).toMatchObject({
      status: 'FAILED',
      error: { message: expect.stringMatching(/^all 3 attempts used \(3 started;/) },
    });
  });
});

describe('TaskProcessor: handler time limits', () => {
  async function runHanging(type: string, deadline: number) {
    vi.useFakeTimers({ now: NOW });
    const { tasks, store } = processor(() => Date.now());
    const pending = tasks.process(message(envelope(type, {})), { deadline });
    await vi.runAllTimersAsync();
    const outcome = await pending;
    return { outcome, end: store.ends[0] };
  }

  it('aborts a handler the safety margin before the invocation deadline', async () => {
    const { outcome, end } = await runHanging('hangs', NOW + 5_000);
    expect(outcome).toMatchObject({ kind: 'retry', ack: false, attempt: 1 });
    expect(end).toMatchObject({
      status: 'RETRYING',
      error: {
        code: 'timeout',
        message: `task aborted after ${5_000 - MARGIN_MS} ms to stop before the invocation deadline`,
      },
    });
  });

  it('aborts a handler at its own timeout when the deadline is further away', async () => {
    const { end } = await runHanging('short', NOW + 60_000);
    expect(end).toMatchObject({
      status: 'RETRYING',
      error: { code: 'timeout', message: 'task exceeded its timeout of 1000 ms' },
    });
  });
});

describe('TaskProcessor: retry delays', () => {
  it('retries at once when an error asks for no delay', async () => {
    const { tasks, visibility } = processor();
    const task = envelope('now', {});
    const outcome = await tasks.process(message(task), { deadline: NOW + 60_000 });
    expect(outcome).toEqual({ kind: 'retry', ack: false, taskId: task.id, attempt: 1, delayMs: 0 });
    expect(visibility).toEqual([0]);
  });

  it.each([
    ['negative', 'negative'],
    ['endless', 'infinite'],
  ])('retries with the backoff when an error asks for a %s delay', async (type) => {
    const { tasks, visibility } = processor();
    const task = envelope(type, {});
    const outcome = await tasks.process(message(task), { deadline: NOW + 60_000 });
    expect(outcome).toEqual({
      kind: 'retry',
      ack: false,
      taskId: task.id,
      attempt: 1,
      delayMs: expect.any(Number),
    });
    const { delayMs } = outcome as { delayMs: number };
    // The backoff's first delay, not the error's request nor the 11¾-hour cap.
    expect(delayMs).toBeGreaterThan(0);
    expect(delayMs).toBeLessThan(60_000);
    expect(visibility).toEqual([Math.ceil(delayMs / 1000)]);
  });
});
