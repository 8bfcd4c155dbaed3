import { describe, expect, it } from 'vitest';
import { SideEffectLedger } from '../../../chaos/SideEffectLedger.js';
import { chainIds, checkWorkflows } from '../../../chaos/workflowInvariants.js';
import type { WorkflowLoad } from '../../../chaos/workflowLoad.js';
import type { TaskRecord, TaskStatus } from '../../../functions/core/status.js';

const row = (id: string, status: TaskStatus): TaskRecord => ({
  id,
  type: 'chaos.member',
  status,
  priority: 'default',
  attempts: 1,
  maxAttempts: 4,
  createdAt: 0,
  expiresAt: 0,
});

const group = {
  id: 'g1',
  size: 2,
  memberIds: ['g1.0', 'g1.1'],
  unsentIds: [] as string[],
  sealSentAt: 1_000,
  callback: false,
};
const chain = { firstId: 'c1', steps: 3, cancelled: false };
const cancelled = { firstId: 'c2', steps: 2, cancelled: true };
const load: WorkflowLoad = { groups: [group], chains: [chain, cancelled] };
const [, c1b, c1c] = chainIds(chain);

/** A run where everything went right: both members and the whole chain succeeded. */
function goodRun() {
  const tasks = new Map<string, TaskRecord>();
  for (const id of [...group.memberIds, 'c1', c1b!, c1c!, 'g1.on-complete', 'g1.on-success']) {
    tasks.set(id, row(id, 'SUCCEEDED'));
  }
  tasks.set('c2', row('c2', 'CANCELLED'));
  const ledger = new SideEffectLedger();
  for (const [id, on] of [
    ['g1.on-complete', 'complete'],
    ['g1.on-success', 'success'],
  ] as const) {
    ledger.append(id, 1, id);
    ledger.observe({
      kind: 'report',
      taskId: id,
      groupId: 'g1',
      on,
      total: 2,
      failed: 0,
      allMembersEnded: true,
      missing: [],
      at: 2_000,
    });
  }
  ledger.observe({ kind: 'step', taskId: c1b!, parentId: 'c1', parentStatus: 'SUCCEEDED' });
  return { tasks, ledger };
}

const failing = (result: ReturnType<typeof checkWorkflows>) =>
  result.invariants.filter((i) => !i.pass).map((i) => i.name);

describe('chaos workflow invariants', () => {
  it('pass on a run where every follow-up and step is in order', () => {
    const { tasks, ledger } = goodRun();
    const result = checkWorkflows(load, tasks, ledger);
    expect(failing(result)).toEqual([]);
    expect(result.ids).toEqual(expect.arrayContaining(['g1.on-success', c1c!, 'c2']));
  });

  it('fail on a follow-up applied twice, run before the seal, or with a member not ended', () => {
    for (const spoil of [
      (l: SideEffectLedger) => l.append('g1.on-complete', 2, 'other-key'),
      (l: SideEffectLedger) =>
        l.observe({
          kind: 'report',
          taskId: 'g1.on-complete',
          groupId: 'g1',
          on: 'complete',
          total: 2,
          failed: 0,
          allMembersEnded: true,
          missing: [],
          at: 500,
        }),
      (l: SideEffectLedger) =>
        l.observe({
          kind: 'report',
          taskId: 'g1.on-complete',
          groupId: 'g1',
          on: 'complete',
          total: 2,
          failed: 0,
          allMembersEnded: false,
          missing: [],
          at: 2_000,
        }),
      // A member with no row that the API never reported as unsent.
      (l: SideEffectLedger) =>
        l.observe({
          kind: 'report',
          taskId: 'g1.on-complete',
          groupId: 'g1',
          on: 'complete',
          total: 2,
          failed: 0,
          allMembersEnded: true,
          missing: [1],
          at: 2_000,
        }),
    ]) {
      const { tasks, ledger } = goodRun();
      spoil(ledger);
      expect(failing(checkWorkflows(load, tasks, ledger))).toEqual([
        'each group follow-up applied once, after the seal and every member ended',
      ]);
    }
  });

  it('accept a member the API reported as not sent, which has no row and counts as failed', () => {
    const { tasks } = goodRun();
    tasks.delete('g1.1');
    tasks.delete('g1.on-success');
    const unsentLoad: WorkflowLoad = { ...load, groups: [{ ...group, unsentIds: ['g1.1'] }] };
    const spoiled = new SideEffectLedger();
    spoiled.append('g1.on-complete', 1, 'g1.on-complete');
    spoiled.observe({
      kind: 'report',
      taskId: 'g1.on-complete',
      groupId: 'g1',
      on: 'complete',
      total: 2,
      failed: 1,
      allMembersEnded: true,
      missing: [1],
      at: 2_000,
    });
    spoiled.observe({ kind: 'step', taskId: c1b!, parentId: 'c1', parentStatus: 'SUCCEEDED' });
    const result = checkWorkflows(unsentLoad, tasks, spoiled);
    expect(failing(result)).toEqual([]);
    expect(result.ids).not.toContain('g1.1');
  });

  it('fail on an onSuccess after a failed member', () => {
    const { tasks, ledger } = goodRun();
    tasks.set('g1.1', row('g1.1', 'FAILED'));
    expect(failing(checkWorkflows(load, tasks, ledger))).toContain(
      'each group follow-up applied once, after the seal and every member ended',
    );
  });

  it('fail on a step that ran before its parent succeeded, or a step lost', () => {
    const early = goodRun();
    early.ledger.observe({ kind: 'step', taskId: c1c!, parentId: c1b!, parentStatus: 'RUNNING' });
    expect(failing(checkWorkflows(load, early.tasks, early.ledger))).toEqual([
      'no chain step runs before its parent succeeded',
    ]);
    const lost = goodRun();
    lost.tasks.delete(c1c!);
    expect(failing(checkWorkflows(load, lost.tasks, lost.ledger))).toEqual([
      'no chain step runs before its parent succeeded',
    ]);
  });

  it('fail when a cancelled chain went on', () => {
    const { tasks, ledger } = goodRun();
    const [, next] = chainIds(cancelled);
    tasks.set(next!, row(next!, 'SUCCEEDED'));
    expect(failing(checkWorkflows(load, tasks, ledger))).toContain('a cancelled chain stops');
  });
});
