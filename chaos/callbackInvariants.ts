import { type TaskRecord, TERMINAL_STATUSES } from '../functions/core/status.js';
import { callbackId } from '../functions/core/workflow/workflowIds.js';
import type { ReceivedCallback } from './CallbackReceiver.js';
import { check, type InvariantResult } from './invariants.js';
import type { ChaosGroup } from './workflowLoad.js';

/** A callback the run must see delivered: its owner, and the status its body must carry. */
interface Expected {
  kind: 'task' | 'group';
  ownerId: string;
  status: string;
}

/**
 * Every task with a callback that ended, and every group with one whose members all ended,
 * must have had its callback answered 200 by the receiver, carrying the final status; and
 * every request the receiver got must pass the docs' check (signature, fresh timestamp).
 * Also returns the callback tasks' ids, for the run's other invariants.
 */
export function checkCallbacks(f: {
  /** Tasks that named a callback (not cancelled before they were due). */
  taskIds: Iterable<string>;
  groups: ChaosGroup[];
  tasks: Map<string, TaskRecord>;
  received: ReceivedCallback[];
  /** Tries refused while the receiver was down. */
  refusals: number;
}): { ids: string[]; invariant: InvariantResult } {
  const expected: Expected[] = [];
  const owners = [...f.taskIds, ...f.groups.filter((g) => g.callback).map((g) => g.id)];
  for (const id of f.taskIds) {
    const status = f.tasks.get(id)?.status;
    // A task that has not ended is the terminal-state invariant's to report.
    if (status && TERMINAL_STATUSES.has(status))
      expected.push({ kind: 'task', ownerId: id, status });
  }
  for (const group of f.groups.filter((g) => g.callback)) {
    const unsent = new Set(group.unsentIds);
    const rows = group.memberIds.filter((id) => !unsent.has(id)).map((id) => f.tasks.get(id));
    if (!rows.every((r) => r && TERMINAL_STATUSES.has(r.status))) continue;
    const failed = group.memberIds.filter((id) => f.tasks.get(id)?.status !== 'SUCCEEDED');
    const status = failed.length === 0 ? 'SUCCEEDED' : 'COMPLETED_WITH_FAILURES';
    expected.push({ kind: 'group', ownerId: group.id, status });
  }
  const bad = f.received
    .filter((r) => !r.valid)
    .map((r) => `${r.ownerId ?? 'unknown'}: signature or timestamp refused`);
  for (const want of expected) {
    const tries = f.received.filter((r) => r.ownerId === want.ownerId && r.kind === want.kind);
    const delivered = tries.filter((r) => r.answered === 200);
    if (delivered.length === 0)
      bad.push(`${want.ownerId}: never delivered (${tries.length} tries)`);
    for (const r of delivered.filter((r) => r.status !== want.status)) {
      bad.push(`${want.ownerId}: delivered ${r.status}, ended ${want.status}`);
    }
  }
  const ids = owners.map(callbackId).filter((id) => f.tasks.has(id));
  const groups = expected.filter((e) => e.kind === 'group').length;
  const failedTries = f.received.filter((r) => r.answered !== 200).length;
  return {
    ids,
    invariant: check(
      'every callback delivered at least once, with a valid signature and a fresh timestamp',
      bad,
      `${expected.length} callback(s), ${groups} of groups, each delivered; ` +
        `${f.refusals} tries refused, then ${failedTries} answered 503, of ${f.received.length} request(s)`,
    ),
  };
}
