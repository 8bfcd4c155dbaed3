import { setTimeout as sleep } from 'node:timers/promises';
import * as z from 'zod';
import { defineTask } from '../core/task.js';
import { errorFromAbort } from './abortError.js';

/** Longest sleep a `noop` payload may ask for. */
export const NOOP_MAX_SLEEP_MS = 10_000;

/** Payload of `noop`: an optional pause, for demos and benchmarks. */
export const noopPayloadSchema = z.object({
  sleepMs: z.number().int().min(0).max(NOOP_MAX_SLEEP_MS).optional(),
});

/**
 * `noop`: does nothing, after `sleepMs` if given. The pause ends early, with an error, when
 * the task's signal aborts, so it behaves like real work under a deadline.
 */
export const noop = defineTask({
  type: 'noop',
  schema: noopPayloadSchema,
  handler: async (payload, ctx) => {
    const sleptMs = payload.sleepMs ?? 0;
    if (ctx.signal.aborted) throw errorFromAbort(ctx.signal, 'noop');
    if (sleptMs > 0) {
      try {
        await sleep(sleptMs, undefined, { signal: ctx.signal });
      } catch (thrown) {
        if (ctx.signal.aborted) throw errorFromAbort(ctx.signal, 'noop');
        throw thrown;
      }
    }
    return { sleptMs };
  },
  // Leaves room above the longest sleep.
  timeoutMs: NOOP_MAX_SLEEP_MS + 5_000,
});
