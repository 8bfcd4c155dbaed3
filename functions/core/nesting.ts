import { InvalidPayloadError } from './errors.js';

/**
 * How deep a task payload may nest objects and arrays. Schemas walk a payload
 * recursively, so a deep enough one overflows the stack; past this depth it is refused
 * before any schema sees it: 400 at the API, `invalid_payload` in the consumer.
 */
export const MAX_PAYLOAD_DEPTH = 64;

/**
 * The nesting depth of a JSON value (a scalar is 0, `{}` and `[]` are 1), measured without
 * recursion and no further than `limit + 1`, so any depth (or a cycle) is safe to measure.
 */
export function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [current, depth] = next;
    if (current === null || typeof current !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return deepest;
}

/** Throws {@link InvalidPayloadError} when `payload` nests deeper than {@link MAX_PAYLOAD_DEPTH}. */
export function assertPayloadDepth(type: string, payload: unknown): void {
  if (nestingDepth(payload, MAX_PAYLOAD_DEPTH) <= MAX_PAYLOAD_DEPTH) return;
  throw new InvalidPayloadError(type, [
    {
      path: [],
      code: 'too_deep',
      message: `objects and arrays nest deeper than ${MAX_PAYLOAD_DEPTH} levels; at most ${MAX_PAYLOAD_DEPTH} are allowed`,
    },
  ]);
}
