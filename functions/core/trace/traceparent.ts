import { randomBytes } from 'node:crypto';

/**
 * A W3C Trace Context position (https://www.w3.org/TR/trace-context/): the trace every
 * hop shares, and the span (`parentId`) that made the call being traced.
 */
export interface TraceContext {
  /** 32 lowercase hex digits, not all zero. */
  readonly traceId: string;
  /** 16 lowercase hex digits, not all zero. */
  readonly parentId: string;
  /** Two hex digits; bit 0 says the caller sampled the trace. */
  readonly flags: string;
}

/** The header's text: version, trace id, parent id, flags; later versions may add fields. */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ALL_ZERO = /^0+$/;

/**
 * Reads a `traceparent` value; `undefined` when it is absent or not valid, in which case
 * the spec says to start a new trace rather than refuse the request.
 */
export function parseTraceparent(value: string | undefined): TraceContext | undefined {
  const match = TRACEPARENT.exec(value?.trim() ?? '');
  if (!match) return undefined;
  const [, version, traceId, parentId, flags, rest] = match as unknown as string[];
  // Version ff is forbidden; version 00 has exactly four fields.
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (ALL_ZERO.test(traceId!) || ALL_ZERO.test(parentId!)) return undefined;
  return { traceId: traceId!, parentId: parentId!, flags: flags! };
}

/** The `traceparent` header for `trace`, always as version 00. */
export function formatTraceparent(trace: TraceContext): string {
  return `00-${trace.traceId}-${trace.parentId}-${trace.flags}`;
}

/** A new trace, sampled, for a request or message that came without one. */
export function newTrace(): TraceContext {
  return { traceId: hex(16), parentId: hex(8), flags: '01' };
}

/** The same trace seen from a new span: what this hop passes to the next one. */
export function childSpan(trace: TraceContext): TraceContext {
  return { traceId: trace.traceId, parentId: hex(8), flags: trace.flags };
}

/** `bytes` random bytes as hex; never all zero (the spec's invalid value). */
function hex(bytes: number): string {
  const text = randomBytes(bytes).toString('hex');
  return ALL_ZERO.test(text) ? `${text.slice(1)}1` : text;
}
