import { setTimeout as delay } from 'node:timers/promises';
import * as z from 'zod';
import { PermanentError, RetryableError, TaskpipeError } from '../functions/core/errors.js';
import type { Clock } from '../functions/core/ports.js';
import { createRegistry } from '../functions/core/registry.js';
import { defineTask, type TaskContext, type TrackingLevel } from '../functions/core/task.js';
import { httpPost } from '../functions/tasks/index.js';
import { aimedTasks } from './aimedTasks.js';
import { CHAOS_POLICY, WEBHOOK_TIMEOUT_MS } from './chaosPolicy.js';
import type { FaultLog, FaultRates } from './faults.js';
import { pickBand, unitFor } from './rng.js';
import type { SideEffectLedger } from './SideEffectLedger.js';
import { FLOW_TYPES, workflowTasks } from './workflowTasks.js';

export { WEBHOOK_TIMEOUT_MS } from './chaosPolicy.js';

export interface ChaosTaskDeps {
  seed: number;
  rates: FaultRates;
  ledger: SideEffectLedger;
  faults: FaultLog;
  /** The clock long delays are measured against. */
  clock: Clock;
  /** A callback try met a refused connection. */
  callbackRefused?: (url: string, taskId: string) => void;
}

/** Attempts of `http.post`: the callback receiver's outage and the webhook faults fit in them. */
const HTTP_POST_ATTEMPTS = 12;

/** The work task types: one per tracking level the run covers. */
export const WORK_TYPES = {
  full: 'chaos.work',
  terminal: 'chaos.light',
  /** A group member. */
  member: 'chaos.member',
  /** A chain step. */
  step: FLOW_TYPES.step,
  /** A task delayed beyond SQS's 900 s. */
  delayed: 'chaos.delayed',
} as const;

/**
 * The chaos run's registry: `chaos.work` (tracked in full) and `chaos.light` (the same
 * task tracked at `terminal`), whose handlers draw their fault from the seed, the task and
 * the attempt; `chaos.delayed`, the same work noting each start by the long delays' clock;
 * and an `http.post` with the chaos policy for the webhook faults, which tells the callback
 * receiver of a try it refused.
 */
export function chaosRegistry(deps: ChaosTaskDeps) {
  const { seed, rates, ledger, faults, clock } = deps;
  const work = (type: string, tracking: TrackingLevel) =>
    defineTask({
      type,
      schema: z.object({ n: z.number().int().min(0) }),
      ...CHAOS_POLICY,
      tracking,
      handler: (payload, ctx) => runWork(payload.n, ctx),
    });
  /** The work of task `n` under its drawn fault; its side effect goes to the ledger. */
  const runWork = async (n: number, ctx: TaskContext) => {
    const payload = { n };
    const fault = pickBand(unitFor(seed, 'work', payload.n, ctx.attempt), [
      ['transient', rates.transient],
      ['permanent', rates.permanent],
      ['timeout', rates.timeout],
    ] as const);
    if (fault) faults.record(fault, ctx.taskId);
    if (fault === 'transient') {
      throw new RetryableError(`chaos: transient failure on attempt ${ctx.attempt}`);
    }
    if (fault === 'permanent') throw new PermanentError('chaos: permanent failure');
    if (fault === 'timeout') {
      // Ignores ctx.signal on purpose: the consumer must stop waiting on its own.
      await delay(CHAOS_POLICY.timeoutMs * 2);
      return { attempt: ctx.attempt, late: true };
    }
    ledger.append(ctx.taskId, ctx.attempt, ctx.idempotencyKey);
    return { attempt: ctx.attempt };
  };
  const delayed = defineTask({
    type: WORK_TYPES.delayed,
    schema: z.object({ n: z.number().int().min(0) }),
    ...CHAOS_POLICY,
    handler: (payload, ctx) => {
      ledger.delayedStarts.push({ taskId: ctx.taskId, attempt: ctx.attempt, at: clock.now() });
      return runWork(payload.n, ctx);
    },
  });
  const webhook = defineTask({
    type: httpPost.type,
    schema: httpPost.schema,
    handler: async (payload, ctx) => {
      try {
        return await httpPost.handler(payload, ctx);
      } catch (error) {
        const code = error instanceof TaskpipeError && (error.details as { code?: string })?.code;
        if (code === 'ECONNREFUSED') deps.callbackRefused?.(payload.url, ctx.taskId);
        throw error;
      }
    },
    ...CHAOS_POLICY,
    maxAttempts: HTTP_POST_ATTEMPTS,
    timeoutMs: WEBHOOK_TIMEOUT_MS + 200,
  });
  return createRegistry([
    work(WORK_TYPES.full, 'full'),
    work(WORK_TYPES.terminal, 'terminal'),
    work(WORK_TYPES.member, 'full'),
    delayed,
    ...workflowTasks({ ...deps, runWork }),
    ...aimedTasks(ledger),
    webhook,
  ]);
}
