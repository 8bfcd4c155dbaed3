import { TERMINAL_STATUSES } from '../functions/core/status.js';
import type { LocalPipeline } from '../local/LocalPipeline.js';
import type { FaultLog } from './faults.js';
import { observerClients, scanTasks } from './finalState.js';
import { unitFor } from './rng.js';

/** Restarts per run at most: each waits for the pipeline's in-flight batches. */
export const MAX_RESTARTS = 2;

/** Whether drain poll number `poll` restarts the runtime; fixed by the seed. */
export function restartsAt(seed: number, rate: number, poll: number, done: number): boolean {
  return done < MAX_RESTARTS && unitFor(seed, 'restart', poll) < rate;
}

/**
 * The restart fault: a clean stop of the whole local runtime mid-drain (what Ctrl-C does)
 * and a start on the same data dir. The tasks with an unfinished row are the ones it
 * touches; the invariants then show that each still ends exactly once.
 */
export async function restartRuntime(
  pipeline: LocalPipeline,
  start: () => Promise<LocalPipeline>,
  faults: FaultLog,
  carriedCounts: Map<string, number>,
): Promise<LocalPipeline> {
  const observer = observerClients(pipeline.info);
  const rows = await scanTasks(observer, pipeline.info);
  observer.sqs.destroy();
  observer.dynamodb.destroy();
  const unfinished = [...rows.values()].filter((r) => !TERMINAL_STATUSES.has(r.status));
  faults.record('restart', ...unfinished.map((r) => r.id));
  await pipeline.stop();
  // Metrics live in the process, not the data dir: keep the count of the stopped runtime.
  for (const [key, n] of pipeline.metrics.counts)
    carriedCounts.set(key, (carriedCounts.get(key) ?? 0) + n);
  return start();
}
