import type { TaskRecord } from '../functions/core/status.js';
import { followUpId, nextStepId } from '../functions/core/workflow/workflowIds.js';
import { check, type InvariantResult } from './invariants.js';
import type { SideEffectLedger } from './SideEffectLedger.js';
import type { ChaosChain, WorkflowLoad } from './workflowLoad.js';

/** A chain's step ids in order, derived as the consumer derives them. */
export function chainIds(chain: ChaosChain): string[] {
  const ids = [chain.firstId];
  while (ids.length < chain.steps) ids.push(nextStepId(ids.at(-1)!));
  return ids;
}

/**
 * The workflow invariants, from the rows, the ledger and what steps and follow-ups saw
 * when they ran. Also returns every task id the workflows may legitimately have made, for
 * the run's other invariants.
 */
export function checkWorkflows(
  load: WorkflowLoad,
  tasks: Map<string, TaskRecord>,
  ledger: SideEffectLedger,
): { ids: string[]; invariants: InvariantResult[] } {
  const ids: string[] = [];
  const byTask = ledger.byTask();
  const applied = (id: string) => (byTask.get(id) ?? []).filter((e) => e.applied).length;
  const reports = ledger.observations.filter((o) => o.kind === 'report');
  const steps = ledger.observations.filter((o) => o.kind === 'step');

  const fanIn: string[] = [];
  let followUps = 0;
  for (const group of load.groups) {
    // A member the API reported as not sent has no row: the producer was told, nothing is lost.
    const unsent = new Set(group.unsentIds);
    ids.push(...group.memberIds.filter((id) => !unsent.has(id)));
    const members = group.memberIds.map((id) => tasks.get(id));
    const failed = members.filter((m) => m?.status !== 'SUCCEEDED').length;
    for (const on of ['complete', 'success'] as const) {
      const id = followUpId(group.id, on);
      const expected = on === 'complete' || failed === 0;
      if (tasks.has(id)) ids.push(id);
      if (!expected) {
        if (tasks.has(id) || byTask.has(id)) fanIn.push(`${id}: ran though a member failed`);
        continue;
      }
      followUps++;
      if (applied(id) !== 1) fanIn.push(`${id}: applied ${applied(id)} times`);
      if (tasks.get(id)?.status !== 'SUCCEEDED') fanIn.push(`${id}: ${tasks.get(id)?.status}`);
      for (const seen of reports.filter((r) => r.taskId === id)) {
        if (seen.at < group.sealSentAt) fanIn.push(`${id}: ran before the seal`);
        if (
          !seen.allMembersEnded ||
          seen.missing.some((i) => !unsent.has(group.memberIds[i] ?? ''))
        ) {
          fanIn.push(`${id}: ran before every member ended`);
        }
        if (seen.total !== group.size || seen.failed !== failed || seen.on !== on) {
          fanIn.push(`${id}: saw ${seen.total} members, ${seen.failed} failed, on ${seen.on}`);
        }
      }
    }
  }

  const order: string[] = [];
  const stops: string[] = [];
  let stepsRun = 0;
  for (const chain of load.chains) {
    const chainSteps = chainIds(chain);
    chainSteps.forEach((id, k) => {
      if (tasks.has(id)) ids.push(id);
      if (k === 0) return;
      const parent = chainSteps[k - 1]!;
      const parentOk = tasks.get(parent)?.status === 'SUCCEEDED';
      if (tasks.has(id) && !parentOk) order.push(`${id}: exists, its parent is not SUCCEEDED`);
      if (!tasks.has(id) && parentOk) order.push(`${id}: lost after its parent succeeded`);
      for (const seen of steps.filter((s) => s.taskId === id)) {
        stepsRun++;
        if (seen.parentId !== parent || seen.parentStatus !== 'SUCCEEDED') {
          order.push(`${id}: ran with its parent ${seen.parentStatus ?? 'missing'}`);
        }
      }
    });
    if (!chain.cancelled) continue;
    if (tasks.get(chain.firstId)?.status !== 'CANCELLED') {
      stops.push(`${chain.firstId}: ${tasks.get(chain.firstId)?.status}, not CANCELLED`);
    }
    for (const id of chainSteps) {
      if (byTask.has(id)) stops.push(`${id}: ran in a cancelled chain`);
      if (id !== chain.firstId && tasks.has(id)) stops.push(`${id}: enqueued after a cancel`);
    }
  }
  const cancelled = load.chains.filter((c) => c.cancelled).length;
  return {
    ids,
    invariants: [
      check(
        'each group follow-up applied once, after the seal and every member ended',
        fanIn,
        `${load.groups.length} groups, ${followUps} follow-ups due`,
      ),
      check(
        'no chain step runs before its parent succeeded',
        order,
        `${load.chains.length} chains, ${stepsRun} later-step runs`,
      ),
      check('a cancelled chain stops', stops, `${cancelled} cancelled chains`),
    ],
  };
}
