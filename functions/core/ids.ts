import { createHash } from 'node:crypto';
import { monotonicFactory } from 'ulid';

const nextUlid = monotonicFactory();

/** A new sortable, unique task id (ULID: time-ordered, 80 random bits). */
export function newTaskId(): string {
  return nextUlid();
}

/**
 * The id of a task enqueued with an idempotency key: the same type and key always map to
 * the same id, so a repeated enqueue finds the first task instead of making a second.
 */
export function taskIdForIdempotencyKey(type: string, key: string): string {
  const digest = createHash('sha256').update(type).update('\u0000').update(key).digest('base64url');
  return `idem-${digest.slice(0, 32)}`;
}

/**
 * The id of a task enqueued with an idempotency key of a type with `dedupWindowSeconds`:
 * the key's id, then the start of its window (epoch ms, base 36). Each window names a new
 * task, and no window's id can be an earlier window's, even once their records expired.
 */
export function taskIdForDedupWindow(type: string, key: string, windowStart: number): string {
  return `${taskIdForIdempotencyKey(type, key)}-${windowStart.toString(36)}`;
}
