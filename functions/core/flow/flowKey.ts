import { createHash } from 'node:crypto';

/** Keys longer than this are stored as their hash, so an item key stays small. */
const MAX_KEY_CHARS = 128;

/**
 * The key a flow-control setting's `key` function gives for `payload`, as stored. A
 * function that throws, or returns no string, puts the task under the type's shared key
 * `''`: flow control never makes a task fail.
 */
export function flowKey(keyOf: ((payload: never) => string) | undefined, payload: unknown): string {
  if (!keyOf) return '';
  let key: unknown;
  try {
    key = keyOf(payload as never);
  } catch {
    return '';
  }
  if (typeof key !== 'string') return '';
  if (key.length <= MAX_KEY_CHARS) return key;
  return `sha256:${createHash('sha256').update(key).digest('base64url')}`;
}
