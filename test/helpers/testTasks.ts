import * as z from 'zod';
import { PermanentError, RetryableError } from '../../functions/core/errors.js';
import { createRegistry } from '../../functions/core/registry.js';
import { defineTask } from '../../functions/core/task.js';

/** Counts handler runs per task id, so tests can prove a task ran once. */
export const runs = new Map<string, number>();
function count(id: string): number {
  const n = (runs.get(id) ?? 0) + 1;
  runs.set(id, n);
  return n;
}

/** A handler run that waits until the test releases it, for interleaving workers. */
export interface Gate {
  started: Promise<void>;
  release(value: unknown): void;
  markStarted(): void;
  released: Promise<unknown>;
}

/** Gates keyed by `${taskId}#${attempt}`. */
export const gates = new Map<string, Gate>();

/** `Promise.withResolvers`, which Node 20 lacks. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export function openGate(taskId: string, attempt: number): Gate {
  const started = deferred<void>();
  const released = deferred<unknown>();
  const gate: Gate = {
    started: started.promise,
    markStarted: () => started.resolve(),
    released: released.promise,
    release: (value) => released.resolve(value),
  };
  gates.set(`${taskId}#${attempt}`, gate);
  return gate;
}

const backoff = { baseMs: 2_000, capMs: 60_000 };

export const testRegistry = createRegistry([
  defineTask({
    type: 'test.ok',
    schema: z.object({ n: z.number() }),
    handler: (payload, ctx) => {
      count(ctx.taskId);
      return { doubled: payload.n * 2, attempt: ctx.attempt };
    },
  }),
  defineTask({
    type: 'test.flaky',
    schema: z.object({ failTimes: z.number().int() }),
    backoff,
    handler: async (payload, ctx) => {
      count(ctx.taskId);
      if (ctx.attempt <= payload.failTimes) throw new Error(`flaky failure ${ctx.attempt}`);
      return { attempt: ctx.attempt };
    },
  }),
  defineTask({
    type: 'test.always',
    schema: z.object({}),
    maxAttempts: 2,
    backoff,
    handler: async (_payload, ctx) => {
      count(ctx.taskId);
      throw new RetryableError('downstream still down');
    },
  }),
  defineTask({
    type: 'test.permanent',
    schema: z.object({}),
    handler: async (_payload, ctx) => {
      count(ctx.taskId);
      throw new PermanentError('recipient does not exist');
    },
  }),
  defineTask({
    type: 'test.sync-throw',
    schema: z.object({}),
    backoff,
    handler: (_payload, ctx) => {
      count(ctx.taskId);
      throw new TypeError('synchronous bug');
    },
  }),
  defineTask({
    type: 'test.wait-abort',
    schema: z.object({}),
    backoff,
    timeoutMs: 60_000,
    handler: (_payload, ctx) =>
      new Promise((_resolve, reject) => {
        count(ctx.taskId);
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
      }),
  }),
  defineTask({
    type: 'test.spawn',
    schema: z.object({ n: z.unknown() }),
    handler: async (payload, ctx) => {
      count(ctx.taskId);
      // A follow-up task; `n` decides whether it is a valid test.ok payload.
      return { child: await ctx.enqueue('test.ok', { n: payload.n }, { delaySeconds: 0 }) };
    },
  }),
  defineTask({
    type: 'test.terminal',
    schema: z.object({ failTimes: z.number().int().default(0) }),
    tracking: 'terminal',
    maxAttempts: 2,
    backoff,
    handler: (payload, ctx) => {
      count(ctx.taskId);
      if (ctx.attempt <= payload.failTimes) throw new Error(`failure ${ctx.attempt}`);
      return { attempt: ctx.attempt };
    },
  }),
  defineTask({
    type: 'test.untracked',
    schema: z.object({ failTimes: z.number().int().default(0), permanent: z.boolean().optional() }),
    tracking: 'failures',
    maxAttempts: 3,
    backoff,
    handler: (payload, ctx) => {
      count(ctx.taskId);
      if (payload.permanent) throw new PermanentError('malformed log bucket name');
      if (ctx.attempt <= payload.failTimes) throw new Error(`failure ${ctx.attempt}`);
      return { attempt: ctx.attempt };
    },
  }),
  defineTask({
    type: 'test.fanin',
    schema: z.object({}),
    handler: async (_payload, ctx) => {
      count(ctx.taskId);
      const info = await ctx.fanIn();
      const page = await info?.members();
      return { total: info?.total, failedIds: info?.failedIds, members: page?.members.length };
    },
  }),
  defineTask({
    type: 'test.group',
    schema: z.object({ size: z.number().int() }),
    handler: async (payload, ctx) => {
      count(ctx.taskId);
      const tasks = Array.from({ length: payload.size }, (_, n) => ({
        type: 'test.ok',
        payload: { n },
      }));
      return {
        groupId: await ctx.group(tasks, { onComplete: { type: 'test.fanin', payload: {} } }),
      };
    },
  }),
  defineTask({
    type: 'test.gate',
    schema: z.object({}),
    handler: async (_payload, ctx) => {
      count(ctx.taskId);
      const gate = gates.get(`${ctx.taskId}#${ctx.attempt}`);
      if (!gate) return { attempt: ctx.attempt, gated: false };
      gate.markStarted();
      return gate.released;
    },
  }),
]);
