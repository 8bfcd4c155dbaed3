import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { InvalidPayloadError } from '../../../functions/core/errors.js';
import {
  assertPayloadDepth,
  MAX_PAYLOAD_DEPTH,
  nestingDepth,
} from '../../../functions/core/nesting.js';
import { createRegistry } from '../../../functions/core/registry.js';
import { defineTask } from '../../../functions/core/task.js';

/** `{"a":{"a":…1…}}`, `depth` objects deep, parsed as a producer's JSON would be. */
const nested = (depth: number): unknown =>
  JSON.parse(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);

describe('payload nesting', () => {
  it.each([
    { value: 'text', depth: 0 },
    { value: null, depth: 0 },
    { value: {}, depth: 1 },
    { value: [], depth: 1 },
    { value: { a: [1, { b: [] }], c: 2 }, depth: 4 },
    { value: [[1], [[2]], 3], depth: 3 },
  ])('measures $value as $depth deep', ({ value, depth }) => {
    expect(nestingDepth(value, 10)).toBe(depth);
  });

  it('stops counting one level past the limit, so a huge depth costs little', () => {
    expect(nestingDepth(nested(100_000), 64)).toBe(65);
  });

  it('stops at the limit on a cycle', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(nestingDepth(cycle, 8)).toBe(9);
  });

  it(`allows ${MAX_PAYLOAD_DEPTH} levels and refuses one more, saying the limit`, () => {
    expect(() => assertPayloadDepth('t', nested(MAX_PAYLOAD_DEPTH))).not.toThrow();
    const refused = (() => {
      try {
        assertPayloadDepth('t', nested(MAX_PAYLOAD_DEPTH + 1));
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(InvalidPayloadError);
    expect(refused).toMatchObject({
      code: 'invalid_payload',
      taskType: 't',
      issues: [{ path: [], code: 'too_deep' }],
    });
    expect((refused as Error).message).toContain('deeper than 64 levels; at most 64 are allowed');
  });

  it('is checked before the schema, which would accept anything', () => {
    const registry = createRegistry([
      defineTask({ type: 'any', schema: z.unknown(), handler: () => null }),
    ]);

    expect(registry.parsePayload('any', nested(64))).toEqual(nested(64));
    expect(() => registry.parsePayload('any', nested(5_000))).toThrow(InvalidPayloadError);
  });
});
