import type { Clock, Logger } from '../ports.js';
import { TaskRequestError } from '../service/errors.js';
import type { TaskStatus } from '../status.js';
import { groupCallbackBody, sendCallback, type TaskSender } from './Callbacks.js';
import type { GroupRecord, GroupRef, GroupStore, TaskSpec } from './types.js';
import {
  callbackId,
  type FollowUpKind,
  followUpId,
  LEAF_SIZE,
  leafCount,
  leafOf,
  leafSize,
} from './workflowIds.js';

/** Sends a follow-up or a callback with a derived id; the consumer's Enqueuer is one. */
export type FollowUpSender = TaskSender;

/** A group named by a member or a seal is not in the store. */
export class GroupMissingError extends Error {
  override readonly name = 'GroupMissingError';
  constructor(readonly groupId: string) {
    super(`group "${groupId}" is not in the task table (expired or never created)`);
  }
}

/**
 * Counts members' ends into their group and fires its follow-ups once (docs/workflows.md).
 * Every step is an idempotent write, so the whole path can be replayed from the top by a
 * redelivered member or a repeated seal: a replay finds each write done and moves on, and
 * only the claimant of the fan-in (a leaf, or the seal) sends the follow-ups.
 */
export class GroupFanIn {
  constructor(
    private readonly deps: {
      groups: GroupStore;
      sender: FollowUpSender;
      logger: Logger;
      clock: Clock;
    },
  ) {}

  /**
   * A member reached `status` (SUCCEEDED, FAILED or CANCELLED). `deadline` is when the
   * caller's invocation ends: a fan-in it claims is its own to send until then.
   */
  async memberEnded(
    ref: GroupRef,
    memberId: string,
    status: TaskStatus,
    deadline?: number,
  ): Promise<void> {
    const leaf = leafOf(ref.index);
    const failed = status !== 'SUCCEEDED';
    const state = await this.deps.groups.recordMember(ref.id, leaf, memberId, failed);
    let total = ref.size;
    if (total === undefined && state.ended < LEAF_SIZE) {
      // Only a sealed group says how many members its last leaf has.
      const group = await this.deps.groups.get(ref.id);
      if (!group) throw new GroupMissingError(ref.id);
      total = group.total;
      // Still open: the seal looks at the last leaf after it seals.
      if (total === undefined) return;
    }
    if (state.ended < leafSize(leaf, total ?? LEAF_SIZE)) return;
    const group = await this.deps.groups.completeLeaf(ref.id, leaf, state.failedIds.length);
    await this.fire(group, `leaf:${leaf}`, deadline);
  }

  /**
   * After a seal: completes the last leaf if its members all ended before the seal (nobody
   * else knew its size then), and fires if everything is done.
   */
  async sealed(group: GroupRecord): Promise<void> {
    const total = group.total ?? 0;
    const last = leafCount(total) - 1;
    let current = group;
    if (last >= 0 && leafSize(last, total) < LEAF_SIZE) {
      const state = await this.deps.groups.readLeaf(group.id, last);
      if (state.ended >= leafSize(last, total)) {
        current = await this.deps.groups.completeLeaf(group.id, last, state.failedIds.length);
      }
    }
    await this.fire(current, 'seal');
  }

  /**
   * Claims the fan-in when the group is sealed and every leaf is done, then sends the
   * follow-ups and the callback, and notes it. A claim held by `by`, unsent after its claimant's deadline, is a
   * crash to repeat; before it, a duplicate leaves the send to the claimant. The follow-ups'
   * and the callback's ids derive from the group, so even a second send names the same tasks.
   */
  private async fire(group: GroupRecord, by: string, deadline?: number): Promise<void> {
    if (group.state !== 'SEALED' || group.total === undefined) return;
    const leaves = leafCount(group.total);
    if (group.leavesDone < leaves) return;
    let current = group;
    let claimed = false;
    if (!current.fanIn) {
      const claim = await this.deps.groups.claimFanIn(group.id, by, leaves, deadline);
      ({ claimed, group: current } = claim);
    }
    const fanIn = current.fanIn;
    if (fanIn?.by !== by || fanIn.sentAt !== undefined) return;
    const claimantLive = fanIn.until !== undefined && fanIn.until >= this.deps.clock.now();
    if (!claimed && claimantLive) return;
    await this.sendFollowUps(current);
    await this.sendCallback(current, fanIn.at);
    await this.deps.groups.markFanInSent(group.id);
  }

  /** The group's signed summary, stamped with the claim's time so a replay sends the same. */
  private async sendCallback(group: GroupRecord, firedAt: number): Promise<void> {
    const { callback } = group;
    if (!callback) return;
    const total = group.total ?? 0;
    // Without a failure there is no id to read.
    const failedIds =
      group.failed > 0 ? await this.deps.groups.failedMembers(group.id, leafCount(total)) : [];
    const body = groupCallbackBody(
      { id: group.id, total, failed: group.failed, firedAt },
      failedIds,
    );
    try {
      const id = await sendCallback(this.deps.sender, callbackId(group.id), callback, body);
      this.deps.logger.info('group callback enqueued', { groupId: group.id, taskId: id });
    } catch (error) {
      if (!(error instanceof TaskRequestError)) throw error;
      // A request error never passes on a replay (no http.post type here): the fan-in ends.
      this.deps.logger.error('group callback not sent: it is not a valid task', {
        groupId: group.id,
        error: { name: error.name, message: error.message },
      });
    }
  }

  private async sendFollowUps(group: GroupRecord): Promise<void> {
    if (group.followUps.length === 0) return;
    const specs = await this.deps.groups.followUps(group.id);
    const due: [FollowUpKind, TaskSpec | undefined][] = [['complete', specs.complete]];
    if (group.failed === 0) due.push(['success', specs.success]);
    for (const [on, spec] of due) {
      if (!spec) continue;
      const id = await this.deps.sender.enqueue(
        spec.type,
        spec.payload,
        {
          ...(spec.priority ? { priority: spec.priority } : {}),
          ...(spec.maxAttempts ? { maxAttempts: spec.maxAttempts } : {}),
        },
        { id: followUpId(group.id, on), links: { followUp: { group: group.id, on } } },
      );
      this.deps.logger.info('group follow-up enqueued', { groupId: group.id, on, taskId: id });
    }
  }
}
