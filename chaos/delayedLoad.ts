import pLimit from 'p-limit';
import type { Clock } from '../functions/core/ports.js';
import { callUntilOk } from './callUntilOk.js';
import { WORK_TYPES } from './chaosTasks.js';
import type { FaultLog, FaultRates } from './faults.js';
import { unitFor } from './rng.js';

/** Delays drawn between just past SQS's 900 s and this. */
const LONGEST_DELAY_S = 6 * 3_600;
const SHORTEST_DELAY_S = 901;

/** A task delayed past SQS's 15 minutes, as sent. */
export interface DelayedTask {
  id: string;
  /** When it is due, by the run's clock: no attempt may start before. */
  notBefore: number;
  /** The API answered SCHEDULED: it went the long-delay way. */
  scheduled: boolean;
  /** Cancelled while it waited: it must never run. */
  cancelled: boolean;
  callback: boolean;
}

interface Sent {
  taskId?: string;
  status?: string;
  error?: unknown;
}

/**
 * Sends `rates['long-delay']` of `tasks` (at least four) as `chaos.delayed` tasks delayed
 * 901 s to 6 h: two in three by `delaySeconds` in one `POST /tasks/batch`, the rest by `runAt`
 * through `POST /tasks`. One in three names the callback; one in four is then cancelled.
 */
export async function enqueueDelayed(options: {
  tasks: number;
  seed: number;
  rates: FaultRates;
  apiUrl: string;
  clock: Clock;
  firstN: number;
  callbackUrl: string;
  faults: FaultLog;
}): Promise<DelayedTask[]> {
  const { seed, rates, apiUrl, clock } = options;
  const count =
    rates['long-delay'] > 0 ? Math.max(4, Math.round(options.tasks * rates['long-delay'])) : 0;
  const now = clock.now();
  const planned = Array.from({ length: count }, (_, k) => {
    const seconds =
      SHORTEST_DELAY_S +
      Math.floor(unitFor(seed, 'delay', k) * (LONGEST_DELAY_S - SHORTEST_DELAY_S));
    const callback = k % 3 === 0 && rates['callback-down'] > 0;
    const byRunAt = k % 3 === 2;
    const runAt = new Date(now + seconds * 1_000).toISOString();
    const request = {
      type: WORK_TYPES.delayed,
      payload: { n: options.firstN + k },
      idempotencyKey: `chaos-${seed}-delayed-${k}`,
      ...(byRunAt ? { runAt } : { delaySeconds: seconds }),
      ...(callback ? { callback: { url: options.callbackUrl } } : {}),
    };
    return { request, byRunAt, callback, cancel: k % 4 === 3, notBefore: Date.parse(runAt) };
  });
  const batch = planned.filter((p) => !p.byRunAt);
  const answered = new Map<(typeof planned)[number], Sent>();
  const { results } = (await callUntilOk(apiUrl, 'POST', '/tasks/batch', {
    tasks: batch.map((p) => p.request),
  })) as { results?: (Sent & { index: number })[] };
  for (const r of results ?? []) if (!r.error) answered.set(batch[r.index]!, r);
  // Entries the batch reported failed, and the runAt ones, go one by one (503s retried).
  const limit = pLimit(4);
  await Promise.all(
    planned
      .filter((p) => !answered.has(p))
      .map((p) =>
        limit(async () => answered.set(p, await callUntilOk(apiUrl, 'POST', '/tasks', p.request))),
      ),
  );
  return Promise.all(
    planned.map((p) =>
      limit(async (): Promise<DelayedTask> => {
        const sent = answered.get(p)!;
        const id = String(sent.taskId);
        options.faults.record('long-delay', id);
        // 409 after a retry: an earlier try cancelled it and only its answer was lost.
        const cancelled =
          p.cancel &&
          (await callUntilOk(apiUrl, 'POST', `/tasks/${id}/cancel`, undefined, 409).then(
            () => true,
            () => false,
          ));
        return {
          id,
          notBefore: p.notBefore,
          scheduled: sent.status === 'SCHEDULED',
          cancelled,
          callback: p.callback,
        };
      }),
    ),
  );
}
