import { type TaskRecord, TERMINAL_STATUSES } from '../functions/core/status.js';
import type { AlarmNotice } from './ChaosEndpoint.js';
import { WORK_TYPES } from './chaosTasks.js';
import { checkDrain, type DrainBound, type DrainFacts } from './drainBound.js';
import type { DeadLetter } from './finalState.js';
import type { SideEffectLedger } from './SideEffectLedger.js';
import type { Workload } from './workload.js';

export interface InvariantResult {
  name: string;
  pass: boolean;
  detail: string;
}

export interface RunFacts {
  workload: Workload;
  tasks: Map<string, TaskRecord>;
  deadLetters: DeadLetter[];
  ledger: SideEffectLedger;
  /** `chaos.work` finishes the consumer counted as succeeded. */
  succeededCount: number;
  drain: DrainFacts;
  drainBound: DrainBound;
  queueDepth: number;
  notices: AlarmNotice[];
  unhandled: string[];
}

const sample = (ids: string[]) => ids.slice(0, 3).join(', ') + (ids.length > 3 ? ', …' : '');
/** Passes when `bad` is empty; otherwise names the first few violations. */
export const check = (name: string, bad: string[], ok: string): InvariantResult => ({
  name,
  pass: bad.length === 0,
  detail: bad.length === 0 ? ok : `${bad.length} violation(s): ${sample(bad)}`,
});

/** The end-of-run checks: nothing lost, nothing run twice, everything accounted for. */
export function checkInvariants(f: RunFacts): InvariantResult[] {
  const enqueued = [...f.workload.enqueued];
  const rows = enqueued.map((id) => f.tasks.get(id));
  const count = (s: string) => rows.filter((r) => r?.status === s).length;
  const [ok, failed, cancelled] = [count('SUCCEEDED'), count('FAILED'), count('CANCELLED')];
  const dlqIds = new Set(f.deadLetters.map((d) => d.taskId));
  const byTask = f.ledger.byTask();
  const fencing: string[] = [];
  // Only a claim fences: at `terminal`, deliveries that overlap may both run (docs/tasks.md, Tracking levels).
  let overlappingRuns = 0;
  for (const [id, entries] of byTask) {
    const attempts = entries.map((e) => e.attempt);
    if (entries.filter((e) => e.applied).length > 1) fencing.push(`${id}: applied twice`);
    const row = f.tasks.get(id);
    if (row?.type === WORK_TYPES.terminal) {
      overlappingRuns += attempts.length - new Set(attempts).size;
      continue;
    }
    if (new Set(attempts).size !== attempts.length) fencing.push(`${id}: attempt ran twice`);
    if (row?.status === 'SUCCEEDED' && attempts.some((a) => a > row.attempts)) {
      fencing.push(`${id}: ran after its success was recorded`);
    }
  }
  const workTypes = new Set<string>(Object.values(WORK_TYPES));
  const works = [...f.tasks.values()].filter((r) => workTypes.has(r.type));
  for (const row of works.filter((r) => r.status === 'SUCCEEDED')) {
    const recorded = (row.result as { attempt?: number } | undefined)?.attempt;
    const ran = byTask.get(row.id)?.some((e) => e.attempt === row.attempts);
    if (recorded !== row.attempts || !ran) fencing.push(`${row.id}: result not from its attempt`);
  }
  const succeededRows = works.filter((r) => r.status === 'SUCCEEDED').length;
  // Fewer counted than rows is no double success: a step after the finish write (a group's
  // counter, say) can fail under an injected fault, and the redelivery finds the task done.
  if (f.succeededCount > succeededRows) {
    fencing.push(`${f.succeededCount} successes recorded for ${succeededRows} tasks`);
  }
  const alarm = f.notices.some((n) => n.name.endsWith('-dlq-not-empty') && n.state === 'ALARM');
  const poisonInDlq = f.deadLetters.filter((d) => d.reason === 'poison').length;
  return [
    checkDrain(f.drain, f.drainBound),
    check(
      'every enqueued task is in exactly one terminal state',
      enqueued.filter((id) => !TERMINAL_STATUSES.has(f.tasks.get(id)?.status ?? 'QUEUED')),
      `${enqueued.length} tasks, ${f.tasks.size} rows`,
    ),
    check(
      'no task row outside the workload',
      [...f.tasks.keys()].filter((id) => !f.workload.enqueued.has(id)),
      'none',
    ),
    {
      name: 'SUCCEEDED + FAILED + CANCELLED = enqueued',
      pass: ok + failed + cancelled === enqueued.length,
      detail: `${ok} + ${failed} + ${cancelled} = ${ok + failed + cancelled} of ${enqueued.length}`,
    },
    check(
      'every API entry accepted or reported, none dropped',
      f.workload.rejected > 0 ? [`${f.workload.rejected} entries never accepted`] : [],
      `${f.workload.resubmitted} reported failures resubmitted`,
    ),
    check(
      'every FAILED task has a DLQ message or a recorded reason',
      rows
        .filter((r) => r?.status === 'FAILED')
        .filter(
          (r) => !dlqIds.has(r!.id) && !(r!.lastError?.details as { reason?: string })?.reason,
        )
        .map((r) => r!.id),
      `${failed} FAILED, ${f.deadLetters.length} DLQ copies`,
    ),
    {
      name: 'every poison message is on a DLQ',
      // A redelivered poison record (say, after a crash) may leave a second copy.
      pass: poisonInDlq >= f.workload.poisonSent,
      detail: `${poisonInDlq} of ${f.workload.poisonSent}`,
    },
    check(
      'no task recorded as succeeding twice (ledger vs fencing)',
      fencing,
      `${f.ledger.entries.length} side effects, ${succeededRows} recorded successes` +
        (overlappingRuns ? `; ${overlappingRuns} overlapping re-run(s) at \`terminal\`` : ''),
    ),
    check(
      'no message stays invisible (queues at 0 visible + 0 in flight)',
      f.queueDepth > 0 ? [`${f.queueDepth} messages left`] : [],
      '0 left',
    ),
    check(
      'the DLQ alarm reached the webhook',
      alarm ? [] : ['no ALARM notice'],
      `${f.notices.length} notice(s)`,
    ),
    check('no unhandled rejection', f.unhandled, 'none'),
  ];
}
