import { RETRY_AFTER_MS } from './aimedTasks.js';
import type { InvariantResult } from './invariants.js';

/** How long a drain may take, in what the run controls and in what it waits for. */
export interface DrainBound {
  /** CPU time (user + system) the process may spend from the first enqueue to the drain. */
  cpuMs: number;
  /** The longest stretch in which no message may leave the queues. */
  stallMs: number;
}

/** What the drain loop saw. */
export interface DrainFacts {
  /** Wall time from the first enqueue to the second empty reading; absent if never empty. */
  drainMs: number | undefined;
  cpuMs: number;
  /** The longest stretch without a drop in queue depth, restarts left out. */
  longestStallMs: number;
}

/**
 * The run shares its cores, so wall time measures the neighbours as much as the pipeline.
 * Throughput is bounded in the process's own CPU time instead: 25 ms per task and 60 s for
 * start-up, the restarts and the final reads (a 10,000-task run spent 177 s in all, a
 * 2,000-task run 58 s, on a 2-core machine at a load of 12 to 19). A stuck message shows as a stall, bounded in wall time: twice the longest wait
 * the run asks for on purpose (the aimed Retry-After, longer than the 12 s visibility
 * timeout a crash leaves a message under).
 */
export function drainBoundFor(tasks: number): DrainBound {
  return { cpuMs: 60_000 + 25 * tasks, stallMs: 2 * RETRY_AFTER_MS };
}

/** Whether a drain loop should stop waiting: the run is over or can no longer pass. */
export function drainGivesUp(f: Omit<DrainFacts, 'drainMs'>, bound: DrainBound): boolean {
  return f.cpuMs > bound.cpuMs || f.longestStallMs > bound.stallMs;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Drained, within the CPU budget, and never stalled longer than the bound. */
export function checkDrain(f: DrainFacts, bound: DrainBound): InvariantResult {
  const drained = f.drainMs !== undefined;
  return {
    name: 'drains within the bound',
    pass: drained && f.cpuMs <= bound.cpuMs && f.longestStallMs <= bound.stallMs,
    detail:
      `${drained ? `drained in ${seconds(f.drainMs!)}` : 'not drained'}; ` +
      `CPU ${seconds(f.cpuMs)} (bound ${seconds(bound.cpuMs)}); ` +
      `longest stall ${seconds(f.longestStallMs)} (bound ${seconds(bound.stallMs)})`,
  };
}
