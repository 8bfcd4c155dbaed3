import type { TaskRecord } from '../functions/core/status.js';
import type { DelayedTask } from './delayedLoad.js';
import { check, type InvariantResult } from './invariants.js';
import type { SideEffectLedger } from './SideEffectLedger.js';

/**
 * The long-delay checks, from the API's answers, the attempt starts (by the run's clock),
 * the final rows and the schedules left: none runs early or is lost; a cancelled one never runs.
 */
export function checkDelays(f: {
  delayed: DelayedTask[];
  ledger: SideEffectLedger;
  tasks: Map<string, TaskRecord>;
  /** Schedules the local timer still holds at the end. */
  pendingSchedules: string[];
  /** Schedules the timer held when the runtime was restarted, summed over the restarts. */
  heldAcrossRestarts: number;
}): InvariantResult[] {
  const starts = new Map<string, number[]>();
  for (const s of f.ledger.delayedStarts)
    starts.set(s.taskId, [...(starts.get(s.taskId) ?? []), s.at]);
  const timing: string[] = f.pendingSchedules.map((name) => `${name}: still scheduled`);
  const stops: string[] = [];
  let ran = 0;
  for (const task of f.delayed) {
    const at = starts.get(task.id) ?? [];
    const status = f.tasks.get(task.id)?.status ?? 'no row';
    if (!task.scheduled) timing.push(`${task.id}: not SCHEDULED by the API`);
    if (task.cancelled) {
      if (at.length > 0) stops.push(`${task.id}: ran ${at.length} time(s) after its cancel`);
      if (status !== 'CANCELLED') stops.push(`${task.id}: ${status}, not CANCELLED`);
      continue;
    }
    if (at.length > 0) ran++;
    for (const start of at.filter((s) => s < task.notBefore)) {
      timing.push(`${task.id}: started ${task.notBefore - start} ms before it was due`);
    }
    if (status !== 'SUCCEEDED' && status !== 'FAILED') timing.push(`${task.id}: lost (${status})`);
    if (status === 'SUCCEEDED' && at.length === 0)
      timing.push(`${task.id}: SUCCEEDED, never started`);
  }
  const cancelled = f.delayed.filter((t) => t.cancelled).length;
  return [
    check(
      'no long-delayed task runs before it is due, or is lost',
      timing,
      `${ran} of ${f.delayed.length - cancelled} delayed task(s) ran, none early; ` +
        `${f.heldAcrossRestarts} schedule(s) held across a restart, 0 left`,
    ),
    check(
      'a cancelled long-delayed task never runs',
      stops,
      `${cancelled} cancelled while waiting`,
    ),
  ];
}
