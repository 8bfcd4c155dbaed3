import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Clock, systemClock } from '../../core/ports.js';
import type {
  AddResult,
  FollowUps,
  GroupRecord,
  GroupStore,
  LeafState,
  NewGroup,
  SealResult,
} from '../../core/workflow/types.js';
import type { FollowUpKind } from '../../core/workflow/workflowIds.js';
import { ExpressionBuilder } from './ExpressionBuilder.js';
import { GroupStoreError, type GroupStoreOperation } from './GroupStoreError.js';
import { GroupTable } from './GroupTable.js';
import {
  followUpsKey,
  GATTR,
  groupKey,
  itemToGroup,
  itemToLeaf,
  leafCounts,
  leafKey,
  newGroupItem,
  numberSet,
  stringSet,
} from './groupItem.js';
import { type Item, num, str } from './taskItem.js';

export interface DynamoGroupStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  clock?: Clock;
  /** Days a group is kept after it was created. @default 30 */
  retentionDays?: number;
}

/**
 * {@link GroupStore} on the task table: a group item, one leaf item per 50 members, and an
 * item for the follow-ups' specs. Each write is one conditional UpdateItem or PutItem whose
 * repeat changes nothing (a set ADD guarded by `NOT contains`), so no transactions are
 * needed and dynalite serves it as AWS does. A failed condition reads the item again.
 */
export class DynamoGroupStore implements GroupStore {
  readonly #clock: Clock;
  readonly #retentionSeconds: number;
  readonly #table: GroupTable;

  constructor(options: DynamoGroupStoreOptions) {
    this.#table = new GroupTable(options.client, options.tableName);
    this.#clock = options.clock ?? systemClock;
    this.#retentionSeconds = (options.retentionDays ?? 30) * 86_400;
  }

  async create(group: NewGroup): Promise<{ created: boolean; group: GroupRecord }> {
    const now = this.#clock.now();
    const expiresAt = Math.floor(now / 1000) + this.#retentionSeconds;
    const kinds = Object.keys(group.followUps) as FollowUpKind[];
    if (kinds.length > 0) {
      // Written first and only where absent: a repeated create keeps the first specs.
      const e = new ExpressionBuilder();
      const item = {
        [GATTR.id]: str(followUpsKey(group.id)),
        [GATTR.specs]: str(JSON.stringify(group.followUps)),
        [GATTR.expiresAt]: num(expiresAt),
      };
      await this.#table.put(
        'createGroup',
        group.id,
        item,
        e,
        `attribute_not_exists(${e.name(GATTR.id)})`,
      );
    }
    const e = new ExpressionBuilder();
    const item = newGroupItem({ ...group, followUps: kinds }, now, expiresAt);
    const created = await this.#table.put(
      'createGroup',
      group.id,
      item,
      e,
      `attribute_not_exists(${e.name(GATTR.id)})`,
    );
    // The item was built here, so it reads back as a group.
    if (created) return { created: true, group: itemToGroup(item) };
    return { created: false, group: await this.mustGet('createGroup', group.id) };
  }

  async add(groupId: string, offset: number, count: number): Promise<AddResult> {
    const e = new ExpressionBuilder();
    e.set(GATTR.added, `${e.name(GATTR.added)} + ${e.value(num(count))}`).add(
      GATTR.chunks,
      numberSet([offset]),
    );
    const condition = `attribute_exists(${e.name(GATTR.id)}) AND ${e.name(GATTR.state)} = ${e.value(str('OPEN'))} AND NOT contains(${e.name(GATTR.chunks)}, ${e.value(num(offset))})`;
    const written = await this.#table.update(
      'addMembers',
      groupId,
      groupKey(groupId),
      e,
      condition,
    );
    if (written)
      return { ok: true, group: this.toGroup('addMembers', groupId, written), repeated: false };
    const current = await this.get(groupId, 'addMembers');
    if (!current) return { ok: false, reason: 'missing' };
    const chunks = await this.chunks(groupId);
    if (chunks.includes(offset)) return { ok: true, group: current, repeated: true };
    return { ok: false, group: current, reason: 'sealed' };
  }

  async seal(groupId: string, total: number): Promise<SealResult> {
    const e = new ExpressionBuilder()
      .setValue(GATTR.state, str('SEALED'))
      .setValue(GATTR.total, num(total));
    const condition = `${e.name(GATTR.state)} = ${e.value(str('OPEN'))} AND ${e.name(GATTR.added)} = ${e.value(num(total))}`;
    const written = await this.#table.update('seal', groupId, groupKey(groupId), e, condition);
    if (written) return { ok: true, group: this.toGroup('seal', groupId, written) };
    const group = await this.get(groupId, 'seal');
    if (!group) return { ok: false, reason: 'missing' };
    if (group.state === 'SEALED') {
      return group.total === total
        ? { ok: true, group }
        : { ok: false, group, reason: 'sealed_other' };
    }
    return { ok: false, group, reason: 'count_mismatch' };
  }

  async recordMember(
    groupId: string,
    leaf: number,
    memberId: string,
    failed: boolean,
  ): Promise<LeafState> {
    const expiresAt = Math.floor(this.#clock.now() / 1000) + this.#retentionSeconds;
    const e = new ExpressionBuilder()
      .setIfAbsent(GATTR.expiresAt, num(expiresAt))
      .add(GATTR.done, stringSet([memberId]))
      .add(GATTR.endedCount, num(1));
    if (failed) e.add(GATTR.failedIds, stringSet([memberId])).add(GATTR.failedCount, num(1));
    const condition = `NOT contains(${e.name(GATTR.done)}, ${e.value(str(memberId))})`;
    const key = leafKey(groupId, leaf);
    const written = await this.#table.update('recordMember', groupId, key, e, condition);
    // Already recorded (a redelivery): the leaf as it is tells the replay what to do next.
    return itemToLeaf(written ?? (await this.#table.read('recordMember', groupId, key)));
  }

  async readLeaf(groupId: string, leaf: number): Promise<LeafState> {
    return itemToLeaf(await this.#table.read('readLeaf', groupId, leafKey(groupId, leaf)));
  }

  async completeLeaf(groupId: string, leaf: number, failed: number): Promise<GroupRecord> {
    const e = new ExpressionBuilder()
      .add(GATTR.leaves, numberSet([leaf]))
      .add(GATTR.failed, num(failed));
    const condition = `attribute_exists(${e.name(GATTR.id)}) AND NOT contains(${e.name(GATTR.leaves)}, ${e.value(num(leaf))})`;
    const written = await this.#table.update(
      'completeLeaf',
      groupId,
      groupKey(groupId),
      e,
      condition,
    );
    if (written) return this.toGroup('completeLeaf', groupId, written);
    return this.mustGet('completeLeaf', groupId);
  }

  async claimFanIn(
    groupId: string,
    by: string,
    leaves: number,
    until?: number,
  ): Promise<{ claimed: boolean; group: GroupRecord }> {
    const e = new ExpressionBuilder()
      .setValue(GATTR.fanInBy, str(by))
      .setValue(GATTR.fanInAt, num(this.#clock.now()))
      .setValue(GATTR.fanInUntil, until === undefined ? undefined : num(until));
    const conditions = [
      `attribute_not_exists(${e.name(GATTR.fanInBy)})`,
      `${e.name(GATTR.state)} = ${e.value(str('SEALED'))}`,
    ];
    if (leaves > 0) conditions.push(`size(${e.name(GATTR.leaves)}) = ${e.value(num(leaves))}`);
    const key = groupKey(groupId);
    const written = await this.#table.update(
      'claimFanIn',
      groupId,
      key,
      e,
      conditions.join(' AND '),
    );
    if (written) return { claimed: true, group: this.toGroup('claimFanIn', groupId, written) };
    return { claimed: false, group: await this.mustGet('claimFanIn', groupId) };
  }

  async markFanInSent(groupId: string): Promise<void> {
    const e = new ExpressionBuilder().setValue(GATTR.fanInSentAt, num(this.#clock.now()));
    const condition = `attribute_exists(${e.name(GATTR.fanInBy)})`;
    const written = await this.#table.update(
      'markFanInSent',
      groupId,
      groupKey(groupId),
      e,
      condition,
    );
    if (!written) {
      throw new GroupStoreError('markFanInSent', groupId, undefined, {
        reason: 'the fan-in was not claimed',
        retryable: false,
      });
    }
  }

  async get(groupId: string, operation: GroupStoreOperation = 'getGroup') {
    const item = await this.#table.read(operation, groupId, groupKey(groupId));
    if (!item) return undefined;
    const group = this.toGroup(operation, groupId, item);
    // TTL deletes lazily: an expired group reads as gone.
    return group.expiresAt * 1000 <= this.#clock.now() ? undefined : group;
  }

  async followUps(groupId: string): Promise<FollowUps> {
    const item = await this.#table.read('followUps', groupId, followUpsKey(groupId));
    const text = item?.[GATTR.specs]?.S;
    if (text === undefined) return {};
    try {
      return JSON.parse(text) as FollowUps;
    } catch (cause) {
      throw new GroupStoreError('followUps', groupId, cause, { retryable: false });
    }
  }

  async failedMembers(groupId: string, leaves: number): Promise<string[]> {
    const items = await this.#table.readLeaves('failedMembers', groupId, leaves, [GATTR.failedIds]);
    return items.flatMap((item) => itemToLeaf(item).failedIds).sort(byMemberIndex);
  }

  async progress(groupId: string, leaves: number): Promise<{ ended: number; failed: number }> {
    const attributes = [GATTR.endedCount, GATTR.failedCount];
    const items = await this.#table.readLeaves('progress', groupId, leaves, attributes);
    const counts = items.map(leafCounts);
    return {
      ended: counts.reduce((sum, c) => sum + c.ended, 0),
      failed: counts.reduce((sum, c) => sum + c.failed, 0),
    };
  }

  private async chunks(groupId: string): Promise<number[]> {
    const item = await this.#table.read('addMembers', groupId, groupKey(groupId));
    // Stryker disable next-line ArrayDeclaration: any list without the offset answers the same
    return (item?.[GATTR.chunks]?.NS ?? []).map(Number);
  }

  private async mustGet(operation: GroupStoreOperation, groupId: string): Promise<GroupRecord> {
    const group = await this.get(groupId, operation);
    if (group) return group;
    throw new GroupStoreError(operation, groupId, undefined, {
      reason: 'the group is not in the table (expired or never created)',
      retryable: false,
    });
  }

  private toGroup(operation: GroupStoreOperation, groupId: string, item: Item): GroupRecord {
    try {
      return itemToGroup(item);
    } catch (error) {
      // A MalformedItemError, the only error itemToGroup throws: no retry reads it better.
      throw new GroupStoreError(operation, groupId, error, { retryable: false });
    }
  }
}

/** Member ids end in `.<index>`: failed ids read back in index order. */
function byMemberIndex(a: string, b: string): number {
  return Number(a.slice(a.lastIndexOf('.') + 1)) - Number(b.slice(b.lastIndexOf('.') + 1));
}
