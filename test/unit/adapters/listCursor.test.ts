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

  const why = (cursor: string, filters = {}, kind: 'failure' | 'scan' = 'scan') => {
    try {
      decodeCursor(cursor, filters, kind);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidCursorError);
      return (error as Error).message.replace(/^cursor is not valid for this query: /, '');
    }
    return 'accepted';
  };

  it.each([
    ['not base64url', 'a+b/c=', 'not base64url'],
    ['a bad character at the end', 'abc+', 'not base64url'],
    ['a bad character at the start', '+abc', 'not base64url'],
    ['an overlong value', 'A'.repeat(1_025), 'not base64url'],
    ['the longest value, not JSON', 'A'.repeat(1_024), 'not JSON'],
    ['not JSON', Buffer.from('{').toString('base64url'), 'not JSON'],
    ['another version', b64({ v: 2, f: {}, p: { id: 'a' } }), 'unexpected shape'],
    ['an extra field', b64({ v: 1, f: {}, p: { id: 'a' }, x: 1 }), 'unexpected shape'],
    ['a hostile id', b64({ v: 1, f: {}, p: { id: '../<x>' } }), 'unexpected shape'],
    ['a failure position', b64({ v: 1, f: {}, p: { at: 1, id: 'a' } }), 'issued for another index'],
  ])('refuses a cursor with %s', (_label, cursor, reason) => {
    expect(why(cursor)).toBe(`${reason}; start again without a cursor`);
  });

  it('refuses a scan position on the failure index', () => {
    expect(why(b64({ v: 1, f: {}, p: { id: 'a' } }), {}, 'failure')).toMatch(
      /^issued for another index/,
    );
  });

  it.each([
    ['status', { s: 'FAILED' }, 'status FAILED and type (any)'],
    ['type', { t: 'noop' }, 'status (any) and type noop'],
    ['priority', { p: 'high' }, 'status (any) and type (any) and priority high'],
    ['start', { a: 5 }, 'status (any) and type (any) and after 5'],
    ['end', { b: 0 }, 'status (any) and type (any) and before 0'],
  ])('refuses a cursor issued with another %s, and says both', (_label, filters, described) => {
    const cursor = b64({ v: 1, f: filters, p: { id: 'a' } });

    expect(why(cursor)).toBe(
      `it was issued for ${described} but this query has status (any) and type (any); repeat the filters of the page that printed it; start again without a cursor`,
    );
    expect(why(cursor, filters)).toBe('accepted');
  });
});
