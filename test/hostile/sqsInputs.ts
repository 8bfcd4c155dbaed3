/** One raw queue body and what the consumer must make of it. */
export interface SqsCase {
  name: string;
  body: string;
  /** The DLQ copy's `taskpipe.failure-reason`. */
  reason: 'poison' | 'unknown_type' | 'invalid_payload';
  /** The id of the FAILED row the design requires; none for poison. */
  failedId?: string;
}

const now = '2026-11-27T10:00:00.000Z';
/** A valid envelope around `fields`; `id` doubles as a marker to find the DLQ copy. */
const envelope = (id: string, fields: Record<string, unknown>) =>
  JSON.stringify({
    v: 1,
    id,
    type: 'noop',
    payload: {},
    priority: 'default',
    enqueuedAt: now,
    ...fields,
  });
const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

// biome-ignore format: a table reads best one row to a line
export const SQS_CASES: SqsCase[] = [
  // RELIABILITY.md: poison, unknown type, hostile type names, payload failing its schema
  { name: 'body that is not JSON', body: 'not json {hostile-1', reason: 'poison' },
  { name: 'JSON that is not an envelope', body: '{"hello":"hostile-2"}', reason: 'poison' },
  { name: 'whitespace body', body: ' \n\t ', reason: 'poison' },
  { name: 'JSON array', body: '["hostile-4"]', reason: 'poison' },
  { name: 'unknown task type', body: envelope('hostile-5', { type: 'no.such.type' }), reason: 'unknown_type', failedId: 'hostile-5' },
  { name: 'type with ../', body: envelope('hostile-6', { type: '../../etc/passwd' }), reason: 'poison' },
  { name: 'type with <script>', body: envelope('hostile-7', { type: '<script>alert(1)</script>' }), reason: 'poison' },
  { name: 'type with control characters', body: envelope('hostile-8', { type: 'noop\u0000\u001b' }), reason: 'poison' },
  { name: 'type of 65 characters', body: envelope('hostile-9', { type: `a${'b'.repeat(64)}` }), reason: 'poison' },
  { name: 'payload failing its schema', body: envelope('hostile-10', { payload: { sleepMs: -5 } }), reason: 'invalid_payload', failedId: 'hostile-10' },
  // unicode edge cases
  { name: 'lone surrogate as type', body: envelope('hostile-11', { type: 'x' }).replace('"type":"x"', '"type":"\\udc00"'), reason: 'poison' },
  { name: 'zero-width character in a known type', body: envelope('hostile-12', { type: 'no\u200bop' }), reason: 'poison' },
  { name: 'right-to-left override in the id', body: envelope('hostile-13\u202e', {}), reason: 'poison' },
  // numbers as strings
  { name: 'version as a string', body: envelope('hostile-14', { v: '1' }), reason: 'poison' },
  { name: 'maxAttempts as a string', body: envelope('hostile-15', { maxAttempts: '3' }), reason: 'poison' },
  { name: 'payload number as a string', body: envelope('hostile-16', { payload: { sleepMs: '5' } }), reason: 'invalid_payload', failedId: 'hostile-16' },
  // __proto__ and constructor keys
  { name: '__proto__ in a bad payload', body: envelope('hostile-17', { payload: { sleepMs: 'x' } }).replace('"sleepMs"', '"__proto__":{"polluted":true},"sleepMs"'), reason: 'invalid_payload', failedId: 'hostile-17' },
  { name: 'constructor as the id', body: envelope('hostile-18', {}).replace('"id":"hostile-18"', '"id":{"constructor":{"prototype":{"polluted":true}}}'), reason: 'poison' },
  // strings that look like SQL or NoSQL
  { name: 'SQL as the id', body: envelope("hostile-19' OR '1'='1", {}), reason: 'poison' },
  { name: 'NoSQL operator as the id', body: envelope('hostile-20', {}).replace('"id":"hostile-20"', '"id":{"$ne":"hostile-20"}'), reason: 'poison' },
  { name: 'DynamoDB expression in the priority', body: envelope('hostile-21', { priority: 'default OR attribute_exists(id)' }), reason: 'poison' },
  // deeply nested JSON, odd dates
  { name: 'payload nested 5,000 deep', body: envelope('hostile-22', { type: 'http.post', payload: { url: 'javascript:alert(1)', body: 0 } }).replace('"body":0', `"body":${nested(5_000)}`), reason: 'invalid_payload', failedId: 'hostile-22' },
  { name: 'impossible enqueue date', body: envelope('hostile-23', { enqueuedAt: '2026-13-45T99:00:00Z' }), reason: 'poison' },
];
