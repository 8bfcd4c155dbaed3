import { setTimeout as delay } from 'node:timers/promises';
import * as z from 'zod';
import { RetryableError } from '../functions/core/errors.js';
import { createRegistry } from '../functions/core/registry.js';
import { defineTask, type TaskContext } from '../functions/core/task.js';
import { CHAOS_POLICY } from './chaosPolicy.js';
import { unitFor } from './rng.js';

/** The flow-control types of the chaos run, one per deferral the run checks. */
export const FLOW_CHAOS_TYPES = {
  limited: 'chaos.limited',
  keyed: 'chaos.keyed',
  paused: 'chaos.paused',
  fragile: 'chaos.fragile',
} as const;

export const RATE_LIMIT = { perSecond: 5, burst: 5 } as const;
export const KEY_LIMIT = 2;
export const BREAKER_KEY = `type:${FLOW_CHAOS_TYPES.fragile}`;
/** Small enough that a short outage opens it, with a cool-down a run can wait out. */
export const BREAKER_POLICY = { minAttempts: 5, coolDownMs: 2_000, probes: 2 } as const;
/** Share of attempts that throw a transient error. */
const TRANSIENT_RATE = 0.1;
/** How long a keyed task works, so that runs of one key overlap. */
const KEYED_WORK_MS = 40;

/** One handler run: when it started and ended (epoch ms), and its key when it has one. */
export interface FlowRun {
  type: string;
  taskId: string;
  attempt: number;
  key?: string;
  startMs: number;
  endMs?: number;
}

/** What the flow tasks did, checked after the run. */
export class FlowLedger {
  readonly runs: FlowRun[] = [];
  /** Tasks whose side effect was applied (a run that returned). */
  readonly applied = new Set<string>();
}

/** The downstream of `chaos.fragile`: down from its first call for `downMs`. */
export interface Outage {
  downMs: number;
  upAt?: number;
}

const schema = z.object({ n: z.number().int().min(0), tenant: z.string() });

/**
 * `chaos.limited` (a rate limit), `chaos.keyed` (a concurrency limit per tenant),
 * `chaos.paused` (paused and resumed by the run) and `chaos.fragile` (a breaker, its
 * downstream failing during the outage). Each draws transient faults from the seed.
 */
export function flowChaosRegistry(seed: number, ledger: FlowLedger, outage: Outage) {
  const run = async (
    type: string,
    payload: z.output<typeof schema>,
    ctx: TaskContext,
    work: (entry: FlowRun) => Promise<void>,
  ) => {
    const entry: FlowRun = {
      type,
      taskId: ctx.taskId,
      attempt: ctx.attempt,
      key: payload.tenant,
      startMs: Date.now(),
    };
    ledger.runs.push(entry);
    try {
      await work(entry);
    } finally {
      // An aborted run ends when the consumer gives up on it and frees its slot.
      entry.endMs = Date.now();
    }
    if (unitFor(seed, 'flow', payload.n, ctx.attempt) < TRANSIENT_RATE) {
      throw new RetryableError(`chaos: transient failure on attempt ${ctx.attempt}`);
    }
    ledger.applied.add(ctx.taskId);
    return { attempt: ctx.attempt };
  };
  const plain = async () => undefined;
  return createRegistry([
    defineTask({
      type: FLOW_CHAOS_TYPES.limited,
      schema,
      ...CHAOS_POLICY,
      rateLimit: RATE_LIMIT,
      handler: (payload, ctx) => run(FLOW_CHAOS_TYPES.limited, payload, ctx, plain),
    }),
    defineTask({
      type: FLOW_CHAOS_TYPES.keyed,
      schema,
      ...CHAOS_POLICY,
      timeoutMs: 1_000,
      concurrency: { key: (p) => p.tenant, limit: KEY_LIMIT },
      handler: (payload, ctx) =>
        run(FLOW_CHAOS_TYPES.keyed, payload, ctx, async () => {
          await delay(KEYED_WORK_MS, undefined, { signal: ctx.signal });
        }),
    }),
    defineTask({
      type: FLOW_CHAOS_TYPES.paused,
      schema,
      ...CHAOS_POLICY,
      handler: (payload, ctx) => run(FLOW_CHAOS_TYPES.paused, payload, ctx, plain),
    }),
    defineTask({
      type: FLOW_CHAOS_TYPES.fragile,
      schema,
      ...CHAOS_POLICY,
      // Slower retries: the breaker counts failures in memory and writes them every 5 s.
      backoff: { baseMs: 1_000, capMs: 3_000 },
      breaker: { policy: BREAKER_POLICY },
      handler: (payload, ctx) =>
        run(FLOW_CHAOS_TYPES.fragile, payload, ctx, async () => {
          outage.upAt ??= Date.now() + outage.downMs;
          if (Date.now() < outage.upAt) throw new RetryableError('chaos: downstream is down');
        }),
    }),
  ]);
}
