import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  parseEnvelope,
  serializeEnvelope,
  taskSpecSchema,
  toValidationIssues,
} from '../../../functions/core/envelope.js';
import { PoisonMessageError } from '../../../functions/core/errors.js';
import { taskIdForIdempotencyKey } from '../../../functions/core/ids.js';
import { newEnvelope } from '../../../functions/core/newEnvelope.js';

const valid = {
  v: 1,
  id: '01J0000000000000000000000A',
  type: 'http.post',
  payload: { url: 'https://example.com' },
  priority: 'default',
  enqueuedAt: '2026-01-01T00:00:00.000Z',
};

function poisonOf(body: string): PoisonMessageError {
  try {
    parseEnvelope(body);
  } catch (error) {
    if (error instanceof PoisonMessageError) return error;
    throw error;
  }
  throw new Error('expected a poison error');
}

describe('parseEnvelope', () => {
  it('accepts a valid envelope and round-trips it', () => {
    const parsed = parseEnvelope(JSON.stringify(valid));
    expect(parsed).toEqual(valid);
    expect(parseEnvelope(serializeEnvelope(parsed))).toEqual(valid);
  });

  it('rejects a body that is not JSON as poison not_json', () => {
    const error = poisonOf('{not json');
    expect(error.reason).toBe('not_json');
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/not JSON/);
  });

  it.each([
    ['missing id', { ...valid, id: undefined }],
    ['unknown version', { ...valid, v: 2 }],
    ['hostile type', { ...valid, type: '../etc/passwd' }],
    ['type with markup', { ...valid, type: '<script>' }],
    ['type with control characters', { ...valid, type: 'a\u0000b' }],
    ['65-character type', { ...valid, type: `a${'b'.repeat(64)}` }],
    ['bad date', { ...valid, enqueuedAt: 'yesterday' }],
    ['array body', [valid]],
    ['null body', null],
  ])('rejects %s as poison not_envelope naming the field', (_, body) => {
    const error = poisonOf(JSON.stringify(body));
    expect(error.reason).toBe('not_envelope');
    expect(error.details).toHaveProperty('issues');
  });
});

describe('envelope issues', () => {
  it('says which field of a raw body is wrong, and which version is expected', () => {
    const error = poisonOf(JSON.stringify({ ...valid, priority: 'URGENT' }));

    expect(error.message).toMatch(/^message body is not a taskpipe envelope v1: priority/);
    expect(error.details).toEqual({
      issues: [expect.objectContaining({ path: ['priority'], code: 'invalid_format' })],
    });
  });

  it('turns a symbol in a path into text, and leaves keys and indexes as they are', () => {
    const error = new z.ZodError([
      { code: 'custom', path: [Symbol('meta'), 'list', 0], message: 'bad', input: 1 },
    ]);

    expect(toValidationIssues(error)).toEqual([
      { path: ['Symbol(meta)', 'list', 0], message: 'bad', code: 'custom' },
    ]);
  });

  it('requires a follow-up task to carry a payload, null included', () => {
    const missing = taskSpecSchema.safeParse({ type: 'noop' });

    expect(missing.success).toBe(false);
    expect(missing.error?.issues[0]).toMatchObject({ path: ['payload'], message: 'is required' });
    expect(taskSpecSchema.safeParse({ type: 'noop', payload: null }).success).toBe(true);
  });
});

describe('newEnvelope', () => {
  it('derives a stable id from type and idempotency key', () => {
    const a = newEnvelope({ type: 't', payload: 1, priority: 'default', idempotencyKey: 'k' }, 0);
    const b = newEnvelope({ type: 't', payload: 2, priority: 'high', idempotencyKey: 'k' }, 5);
    expect(a.id).toBe(b.id);
    expect(a.id).toBe(taskIdForIdempotencyKey('t', 'k'));
    expect(taskIdForIdempotencyKey('u', 'k')).not.toBe(a.id);
    expect(parseEnvelope(serializeEnvelope(a))).toEqual(a);
  });

  it('gives sortable, unique ids without a key', () => {
    const ids = Array.from(
      { length: 50 },
      () => newEnvelope({ type: 't', payload: {}, priority: 'default' }, 0).id,
    );
    expect(new Set(ids).size).toBe(50);
    expect([...ids].sort()).toEqual(ids);
  });
});
