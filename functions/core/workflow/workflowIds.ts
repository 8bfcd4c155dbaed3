import { createHash } from 'node:crypto';

/**
 * Members are counted in leaves of this many consecutive indexes: a leaf item holds at most
 * this many ids, so every member's update writes a small item (DynamoDB bills a write by
 * the item's size) and no item nears 400 KB, whatever the group's size.
 */
export const LEAF_SIZE = 50;
/** The largest group a seal accepts. */
export const MAX_GROUP_SIZE = 100_000;

/** Which follow-up of a group a task is. */
export type FollowUpKind = 'complete' | 'success';

function digest(parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\u0000');
  return hash.digest('base64url').slice(0, 32);
}

/**
 * The id of a task a handler enqueues: the same parent and key always give the same id, so
 * a retried parent's children are found again instead of made twice.
 */
export function childTaskId(parentId: string, key: string): string {
  return `c${digest([parentId, key])}`;
}

/** The id of a group a handler creates, from its parent task and the group's key. */
export function childGroupId(parentId: string, key: string): string {
  return `g${digest([parentId, 'group', key])}`;
}

/** The id of the next step of a chain, from the step before it. */
export function nextStepId(previousId: string): string {
  return `n${digest([previousId, 'then'])}`;
}

/** Member `index` of a group; a re-sent member keeps its id. */
export function memberId(groupId: string, index: number): string {
  return `${groupId}.${index}`;
}

/** A follow-up's id derives from its group, so a repeated enqueue names the same task. */
export function followUpId(groupId: string, kind: FollowUpKind): string {
  return `${groupId}.on-${kind}`;
}

export function leafOf(index: number): number {
  return Math.floor(index / LEAF_SIZE);
}

/** How many leaves a group of `total` members has. */
export function leafCount(total: number): number {
  return Math.ceil(total / LEAF_SIZE);
}

/** How many members leaf `leaf` holds in a group of `total`. */
export function leafSize(leaf: number, total: number): number {
  return Math.max(0, Math.min(LEAF_SIZE, total - leaf * LEAF_SIZE));
}

/** The id of the task that delivers `taskId`'s (or a group's) callback. */
export function callbackId(ownerId: string): string {
  return `k${digest([ownerId, 'callback'])}`;
}
