import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../../functions/adapters/dynamodb/listCursor.js';
import { InvalidCursorError } from '../../../functions/core/service/errors.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('list cursors', () => {
  it('round-trip as base64url JSON bound to their filters', () => {
    const filters = { s: 'FAILED', t: 'http.post' };
    const cursor = encodeCursor(filters, { at: 1_767_225_600_000, id: '01JABC' });

    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(JSON.parse(Buffer.from(cursor, 'base64url').toString())).toEqual({
      v: 1,
      f: filters,
      p: { at: 1_767_225_600_000, id: '01JABC' },
    });
    expect(decodeCursor(cursor, filters, 'failure')).toEqual({
      at: 1_767_225_600_000,
      id: '01JABC',
    });
  });

  it.each([
    ['not base64url', 'a+b/c='],
    ['not JSON', Buffer.from('{').toString('base64url')],
    ['another version', b64({ v: 2, f: {}, p: { id: 'a' } })],
    ['an extra field', b64({ v: 1, f: {}, p: { id: 'a' }, x: 1 })],
    ['a hostile id', b64({ v: 1, f: {}, p: { id: '../<x>' } })],
    ['other filters', b64({ v: 1, f: { t: 'noop' }, p: { id: 'a' } })],
    ['a failure position', b64({ v: 1, f: {}, p: { at: 1, id: 'a' } })],
    ['an overlong value', 'A'.repeat(2_000)],
  ])('refuses a cursor with %s', (_label, cursor) => {
    expect(() => decodeCursor(cursor, {}, 'scan')).toThrow(InvalidCursorError);
  });
});
