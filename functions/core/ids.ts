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
