import { setTimeout as sleep } from 'node:timers/promises';
import { TaskRequestError } from '../../functions/core/service/errors.js';
import type { TaskRecord } from '../../functions/core/status.js';
import { allTasks } from '../stats/allTasks.js';
import type { Target } from '../target.js';

const POLL_MS = 500;
/** Longer than a demo task may run (http.post's own timeout is 30 s). */
const RUNNING_WAIT_MS = 40_000;

export interface Settled {
  cancelled: number;
  /** Still RUNNING when the wait ended: they may fail once the demo endpoint is gone. */
  stillRunning: number;
}

/**
 * Before a stopped or timed-out demo closes its endpoint: cancels its tasks that wait
 * (QUEUED, RETRYING), and waits for the RUNNING ones to end, so no task is left to fail
 * against an endpoint that is gone.
 */
export async function settleUnfinished(target: Target, ids: ReadonlySet<string>): Promise<Settled> {
  let cancelled = 0;
  const deadline = Date.now() + RUNNING_WAIT_MS;
  for (;;) {
    const open = await unfinished(target, ids);
    for (const task of open.filter((t) => t.status === 'QUEUED' || t.status === 'RETRYING')) {
      try {
        await target.service.cancel(task.id);
        cancelled++;
      } catch (error) {
        // It started or ended meanwhile: looked at again on the next round.
        if (!(error instanceof TaskRequestError)) throw error;
      }
    }
    const running = open.filter((t) => t.status === 'RUNNING').length;
    if (open.length === 0 || Date.now() > deadline) return { cancelled, stillRunning: running };
    await sleep(POLL_MS);
  }
}

async function unfinished(target: Target, ids: ReadonlySet<string>): Promise<TaskRecord[]> {
  const open = new Set(['QUEUED', 'RETRYING', 'RUNNING']);
  return (await allTasks(target.service)).filter((t) => ids.has(t.id) && open.has(t.status));
}
