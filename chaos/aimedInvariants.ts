import type { TaskRecord } from '../functions/core/status.js';
import type { AimedWorkload } from './aimedTasks.js';
import type { DeadLetter } from './finalState.js';
import { check, type InvariantResult } from './invariants.js';
import type { SideEffectLedger } from './SideEffectLedger.js';

/** The checks of the aimed faults, each read from the ledger or the DLQ copies. */
export function checkAimed(f: {
  aimed: AimedWorkload;
  ledger: SideEffectLedger;
  tasks: Map<string, TaskRecord>;
  deadLetters: DeadLetter[];
  /** Tasks one of whose DynamoDB calls the run failed on purpose. */
  storeFaulted: ReadonlySet<string>;
}): InvariantResult[] {
  return [
    retryAfterKept(f.ledger, f.storeFaulted),
    lateWritesRefused(f.ledger, f.tasks),
    fifoCopiesKept(f),
  ];
}

/**
 * No attempt starts before the Retry-After its previous attempt asked for. A retry whose
 * write the run failed on purpose was never recorded: its message comes back when its
 * visibility timeout ends, so such a task is left out, and counted.
 */
function retryAfterKept(
  ledger: SideEffectLedger,
  storeFaulted: ReadonlySet<string>,
): InvariantResult {
  const bad: string[] = [];
  let retried = 0;
  let unrecorded = 0;
  for (const request of ledger.retryRequests) {
    if (storeFaulted.has(request.taskId)) {
      unrecorded++;
      continue;
    }
    const later = ledger.attemptStarts.filter(
      (s) => s.taskId === request.taskId && s.attempt > request.attempt,
    );
    if (later.length > 0) retried++;
    for (const start of later.filter((s) => s.at < request.notBefore)) {
      bad.push(
        `${start.taskId}: attempt ${start.attempt} ${request.notBefore - start.at} ms early`,
      );
    }
  }
  return check(
    'a retry waits for its Retry-After, not the shorter backoff',
    bad,
    `${retried} of ${ledger.retryRequests.length} asked retries ran, none early; ${unrecorded} left out after a DynamoDB fault`,
  );
}

/** A write of a holder that lost its lease is refused once a newer attempt ended the task. */
function lateWritesRefused(
  ledger: SideEffectLedger,
  tasks: Map<string, TaskRecord>,
): InvariantResult {
  const late = ledger.lateWrites.filter((w) => w.newerAttempt !== undefined);
  const bad = late
    .filter((w) => w.applied || tasks.get(w.taskId)?.status !== w.newerStatus)
    .map((w) => `${w.taskId}: ${w.applied ? 'late write applied' : 'newer state changed'}`);
  return check(
    'a late write from a lost lease leaves the newer state',
    bad,
    `${late.length} late write(s) after a newer attempt, all refused` +
      `; ${ledger.lateWrites.length - late.length} let through with no newer attempt`,
  );
}

/** Each FAILED FIFO task has a DLQ copy that keeps its message group and is deduplicated by its message. */
function fifoCopiesKept(f: {
  aimed: AimedWorkload;
  tasks: Map<string, TaskRecord>;
  deadLetters: DeadLetter[];
}): InvariantResult {
  const bad: string[] = [];
  let failed = 0;
  for (const [taskId, sent] of f.aimed.fifo) {
    // A task that has not failed yet is the terminal-state invariant's to report.
    if (f.tasks.get(taskId)?.status !== 'FAILED') continue;
    failed++;
    const copies = f.deadLetters.filter((d) => d.taskId === taskId);
    if (copies.length === 0) bad.push(`${taskId}: FAILED, no DLQ copy`);
    for (const copy of copies) {
      if (copy.groupId !== sent.groupId) bad.push(`${taskId}: group ${copy.groupId ?? '(none)'}`);
      if (copy.deduplicationId !== sent.deduplicationId) {
        bad.push(`${taskId}: deduplication id ${copy.deduplicationId ?? '(none)'}`);
      }
    }
  }
  return check(
    'a FIFO task in the DLQ keeps its group and deduplication id',
    bad,
    `${failed} of ${f.aimed.fifo.size} FIFO task(s) FAILED, each with its DLQ copy`,
  );
}
