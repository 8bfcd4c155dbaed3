import { describe, expect, expectTypeOf, it } from 'vitest';
import * as z from 'zod';
import {
  ConfigError,
  InvalidPayloadError,
  PoisonMessageError,
} from '../../../functions/core/errors.js';
import { createRegistry } from '../../../functions/core/registry.js';
import { defineTask } from '../../../functions/core/task.js';

const greet = defineTask({
  type: 'greet',
  schema: z.object({ name: z.string().min(1) }),
  handler: (payload) => `hello ${payload.name}`,
  maxAttempts: 3,
});

describe('defineTask', () => {
  it('infers the payload type from the schema and fills the default policy', () => {
    expectTypeOf(greet.handler).parameter(0).toEqualTypeOf<{ name: string }>();
    expect(greet.maxAttempts).toBe(3);
    expect(greet.timeoutMs).toBeGreaterThan(0);
    expect(greet.backoff.capMs).toBeGreaterThanOrEqual(greet.backoff.baseMs);
    expect(greet.tracking).toBe('full');
  });
});

describe('TaskRegistry', () => {
  it('refuses duplicate and malformed type names, naming each', () => {
    const bad = (type: string) => defineTask({ type, schema: z.unknown(), handler: () => null });
    const attempt = () =>
      createRegistry([greet, greet, bad('../x'), bad('<script>'), bad(`a${'b'.repeat(64)}`)]);
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const problems = (error as ConfigError).problems;
      expect(problems).toHaveLength(4);
      expect(problems[0]).toContain('"greet" is defined more than once');
      expect(problems[1]).toContain('"../x"');
      expect(problems[2]).toContain('"<script>"');
    }
  });

  it('refuses an impossible policy', () => {
    const t = defineTask({
      type: 'x',
      schema: z.unknown(),
      handler: () => null,
      maxAttempts: 0,
      backoff: { baseMs: 10, capMs: 5 },
    });
    expect(() => createRegistry([t])).toThrow(/maxAttempts 0.*\n.*base 10 ms and cap 5 ms/s);
  });

  it('refuses an unknown tracking level, listing the allowed ones', () => {
    const t = defineTask({
      type: 'x',
      schema: z.unknown(),
      handler: () => null,
      // A JavaScript caller, or a value read from configuration, can pass anything.
      tracking: 'none' as 'full',
    });
    expect(() => createRegistry([t])).toThrow(
      /tracking "none" must be one of full, terminal, failures/,
    );
  });

  it('names the known types for an unknown one', () => {
    const registry = createRegistry([greet]);
    expect(() => registry.get('nope')).toThrow(PoisonMessageError);
    expect(() => registry.get('nope')).toThrow(/known types: greet/);
  });

  it('validates payloads with the zod issues and their paths', () => {
    const registry = createRegistry([greet]);
    expect(registry.parsePayload('greet', { name: 'a' })).toEqual({ name: 'a' });
    try {
      registry.parsePayload('greet', { name: '' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidPayloadError);
      expect((error as InvalidPayloadError).issues[0]?.path).toEqual(['name']);
    }
  });

  it('types parsePayload by the registry', () => {
    const registry = createRegistry([greet]);
    expectTypeOf(registry.parsePayload('greet', { name: 'x' })).toEqualTypeOf<{ name: string }>();
    expect(registry.largestMaxAttempts).toBe(3);
  });
});
