import { describe, expect, it } from 'vitest';
import { parseEnvelope } from '../../../functions/core/envelope.js';
import {
  childSpan,
  formatTraceparent,
  newTrace,
  parseTraceparent,
} from '../../../functions/core/trace/traceparent.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

describe('parseTraceparent', () => {
  it('reads the trace id, parent id and flags of a version 00 header', () => {
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-01`)).toEqual({
      traceId: TRACE,
      parentId: SPAN,
      flags: '01',
    });
    expect(parseTraceparent(` 00-${TRACE}-${SPAN}-00 `)?.flags).toBe('00');
  });

  it('reads a later version, whose extra fields it ignores', () => {
    expect(parseTraceparent(`01-${TRACE}-${SPAN}-01-more`)).toEqual({
      traceId: TRACE,
      parentId: SPAN,
      flags: '01',
    });
    expect(parseTraceparent(`01-${TRACE}-${SPAN}-01`)?.traceId).toBe(TRACE);
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['version ff', `ff-${TRACE}-${SPAN}-01`],
    ['version 00 with an extra field', `00-${TRACE}-${SPAN}-01-x`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${SPAN}-01`],
    ['an all-zero parent id', `00-${TRACE}-${'0'.repeat(16)}-01`],
    ['upper case', `00-${TRACE.toUpperCase()}-${SPAN}-01`],
    ['a short trace id', `00-${TRACE.slice(1)}-${SPAN}-01`],
    ['a short parent id', `00-${TRACE}-${SPAN.slice(1)}-01`],
    ['one-digit flags', `00-${TRACE}-${SPAN}-1`],
    ['text before it', `x00-${TRACE}-${SPAN}-01`],
    ['a one-digit version', `0-${TRACE}-${SPAN}-01`],
  ])('gives nothing for %s', (_name, value) => {
    expect(parseTraceparent(value)).toBeUndefined();
  });
});

describe('formatTraceparent, newTrace and childSpan', () => {
  it('writes version 00 with the trace, parent and flags', () => {
    expect(formatTraceparent({ traceId: TRACE, parentId: SPAN, flags: '00' })).toBe(
      `00-${TRACE}-${SPAN}-00`,
    );
  });

  it('starts a sampled trace whose header parses back to it', () => {
    const trace = newTrace();
    expect(trace.flags).toBe('01');
    expect(parseTraceparent(formatTraceparent(trace))).toEqual(trace);
    expect(newTrace().traceId).not.toBe(trace.traceId);
  });

  it('keeps the trace id and flags in a child span, with a new parent id', () => {
    const parent = { traceId: TRACE, parentId: SPAN, flags: '00' };
    const child = childSpan(parent);
    expect(child.traceId).toBe(TRACE);
    expect(child.flags).toBe('00');
    expect(child.parentId).toMatch(/^[0-9a-f]{16}$/);
    expect(child.parentId).not.toBe(SPAN);
  });
});

describe('the envelope traceparent field', () => {
  const base = {
    v: 1,
    id: 'task-1',
    type: 'noop',
    payload: {},
    priority: 'default',
    enqueuedAt: '2026-01-01T00:00:00.000Z',
  };

  it('is optional, so a message from before it parses unchanged', () => {
    expect(parseEnvelope(JSON.stringify(base))).toEqual(base);
  });

  it('is kept as sent, even when not valid trace context (the consumer starts a new trace)', () => {
    const traceparent = `00-${TRACE}-${SPAN}-01`;
    expect(parseEnvelope(JSON.stringify({ ...base, traceparent })).traceparent).toBe(traceparent);
    expect(parseEnvelope(JSON.stringify({ ...base, traceparent: 'x' })).traceparent).toBe('x');
  });

  it('refuses an empty or oversized value with the field named', () => {
    expect(() => parseEnvelope(JSON.stringify({ ...base, traceparent: '' }))).toThrow(
      /traceparent/,
    );
    expect(() => parseEnvelope(JSON.stringify({ ...base, traceparent: 'a'.repeat(513) }))).toThrow(
      /traceparent/,
    );
    expect(parseEnvelope(JSON.stringify({ ...base, traceparent: 'a'.repeat(512) }))).toBeDefined();
  });
});
