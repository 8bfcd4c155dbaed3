import { MAX_BATCH_BODY_BYTES } from '../../functions/api/lambdaEventLimit.js';

/** One hostile HTTP request and the answer it must get. */
export interface ApiCase {
  name: string;
  method: string;
  path: string;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  contentType?: string;
  status: number;
  code: string;
  /** Text the answer must not echo back (markup, control characters…). */
  notEchoed?: string;
}

const MiB = 1_048_576;
const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const task = (type: string, payload: unknown = {}) => ({ type, payload });

/** RELIABILITY.md's rows that the API answers, then the extra hostile inputs. */
// biome-ignore format: a table reads best one row to a line
export const API_CASES: ApiCase[] = [
  // unknown or hostile task types
  { name: 'unknown type', method: 'POST', path: '/tasks', body: task('no.such.type'), status: 400, code: 'unknown_type' },
  { name: 'type with ../', method: 'POST', path: '/tasks', body: task('../../etc/passwd'), status: 400, code: 'unknown_type', notEchoed: '../' },
  { name: 'type with <script>', method: 'POST', path: '/tasks', body: task('<script>alert(1)</script>'), status: 400, code: 'unknown_type', notEchoed: '<script>' },
  { name: 'type with a control character', method: 'POST', path: '/tasks', body: task('noop\u0007\u001b[31m'), status: 400, code: 'unknown_type', notEchoed: '\u001b' },
  { name: 'type of 65 characters', method: 'POST', path: '/tasks', body: task(`a${'b'.repeat(64)}`), status: 400, code: 'unknown_type', notEchoed: 'b'.repeat(64) },
  { name: 'type of 2,000 characters', method: 'POST', path: '/tasks', body: task('a'.repeat(2_000)), status: 400, code: 'invalid_request' },
  // payloads that fail their schema, or their size
  { name: 'payload failing its schema', method: 'POST', path: '/tasks', body: task('noop', { sleepMs: -1 }), status: 400, code: 'invalid_payload' },
  { name: 'payload over the limit', method: 'POST', path: '/tasks', body: task('http.post', { url: 'http://127.0.0.1:9/x', body: 'x'.repeat(262_145) }), status: 413, code: 'payload_too_large' },
  { name: 'body of 1 MiB + 1 bytes', method: 'POST', path: '/tasks', body: 'x'.repeat(MiB + 1), status: 413, code: 'payload_too_large' },
  // batches
  { name: 'batch of 501 entries', method: 'POST', path: '/tasks/batch', body: { tasks: Array.from({ length: 501 }, () => task('noop')) }, status: 400, code: 'invalid_request' },
  { name: 'batch of 10,000 entries', method: 'POST', path: '/tasks/batch', body: { tasks: Array.from({ length: 10_000 }, () => task('noop')) }, status: 400, code: 'invalid_request' },
  { name: 'batch body at its limit, every byte escaped six-fold in the event', method: 'POST', path: '/tasks/batch', body: '\u0001'.repeat(MAX_BATCH_BODY_BYTES), status: 400, code: 'malformed_json' },
  { name: 'batch body over its limit', method: 'POST', path: '/tasks/batch', body: { tasks: [task('noop', { pad: 'x'.repeat(MAX_BATCH_BODY_BYTES) })] }, status: 413, code: 'payload_too_large' },
  { name: 'empty batch', method: 'POST', path: '/tasks/batch', body: { tasks: [] }, status: 400, code: 'invalid_request' },
  { name: 'batch that is not a list', method: 'POST', path: '/tasks/batch', body: { tasks: { 0: task('noop') } }, status: 400, code: 'invalid_request' },
  // unicode edge cases
  { name: 'lone surrogate as type', method: 'POST', path: '/tasks', body: '{"type":"\\ud800","payload":{}}', status: 400, code: 'unknown_type' },
  { name: 'zero-width character inside a known type', method: 'POST', path: '/tasks', body: task('no\u200bop'), status: 400, code: 'unknown_type', notEchoed: '\u200b' },
  { name: 'right-to-left override in the type', method: 'POST', path: '/tasks', body: task('\u202enoop'), status: 400, code: 'unknown_type', notEchoed: '\u202e' },
  { name: 'zero-width character in the priority', method: 'POST', path: '/tasks', body: { ...task('noop'), priority: 'high\u200b' }, status: 400, code: 'invalid_request' },
  { name: 'invalid UTF-8 bytes', method: 'POST', path: '/tasks', body: Buffer.from([0x7b, 0xff, 0xfe, 0xed, 0xa0, 0x80, 0x7d]), status: 400, code: 'malformed_json' },
  // deeply nested JSON
  { name: 'payload nested 5,000 deep', method: 'POST', path: '/tasks', body: `{"type":"http.post","payload":{"url":"http://127.0.0.1:9/x","body":${nested(5_000)}}}`, status: 400, code: 'invalid_payload' },
  { name: 'body nested 100,000 deep', method: 'POST', path: '/tasks', body: '['.repeat(100_000) + ']'.repeat(100_000), status: 400, code: 'invalid_request' },
  // numbers as strings
  { name: 'payload number as a string', method: 'POST', path: '/tasks', body: task('noop', { sleepMs: '5' }), status: 400, code: 'invalid_payload' },
  { name: 'delaySeconds as a string', method: 'POST', path: '/tasks', body: { ...task('noop'), delaySeconds: '5' }, status: 400, code: 'invalid_request' },
  { name: 'maxAttempts as a string', method: 'POST', path: '/tasks', body: { ...task('noop'), maxAttempts: '3' }, status: 400, code: 'invalid_request' },
  { name: 'list limit that is not a number', method: 'GET', path: '/tasks?limit=abc', status: 400, code: 'invalid_request' },
  // __proto__ and constructor keys
  { name: '__proto__ key on the request', method: 'POST', path: '/tasks', body: '{"type":"noop","payload":{},"__proto__":{"admin":true}}', status: 400, code: 'invalid_request' },
  { name: 'constructor key on the request', method: 'POST', path: '/tasks', body: '{"type":"noop","payload":{},"constructor":{"prototype":{"polluted":true}}}', status: 400, code: 'invalid_request' },
  { name: '__proto__ key on a batch', method: 'POST', path: '/tasks/batch', body: '{"tasks":[],"__proto__":{"polluted":true}}', status: 400, code: 'invalid_request' },
  { name: 'constructor.prototype in a bad payload', method: 'POST', path: '/tasks', body: '{"type":"noop","payload":{"constructor":{"prototype":{"polluted":true}},"sleepMs":"1"}}', status: 400, code: 'invalid_payload' },
  // strings that look like SQL or NoSQL
  { name: 'SQL in the type', method: 'POST', path: '/tasks', body: task("noop' OR '1'='1"), status: 400, code: 'unknown_type', notEchoed: "OR '1'" },
  { name: 'DynamoDB condition in the type', method: 'POST', path: '/tasks', body: task('noop" OR attribute_exists(id) OR "'), status: 400, code: 'unknown_type', notEchoed: 'attribute_exists' },
  { name: 'NoSQL operator as idempotency key', method: 'POST', path: '/tasks', body: { ...task('noop'), idempotencyKey: { $gt: '' } }, status: 400, code: 'invalid_request' },
  { name: 'NoSQL operator in a query key', method: 'GET', path: '/tasks?type%5B%24ne%5D=x', status: 400, code: 'invalid_request' },
  { name: 'NoSQL operator as cursor', method: 'GET', path: '/tasks?cursor=%7B%22%24gt%22%3A%22%22%7D', status: 400, code: 'invalid_cursor' },
  { name: 'SQL in the status filter', method: 'GET', path: "/tasks?status=FAILED'%20OR%201%3D1--", status: 400, code: 'invalid_request' },
  // unknown ids, hostile ids
  { name: 'unknown task id', method: 'GET', path: '/tasks/01ARZ3NDEKTSV4RRFFQ69G5FAV', status: 404, code: 'not_found' },
  { name: 'SQL as task id', method: 'GET', path: "/tasks/'%20OR%20'1'%3D'1", status: 404, code: 'not_found' },
  { name: 'path traversal as task id', method: 'GET', path: '/tasks/..%2F..%2Fetc%2Fpasswd', status: 404, code: 'not_found' },
  { name: 'NUL as task id', method: 'GET', path: '/tasks/%00', status: 404, code: 'not_found' },
  { name: 'cancel of an unknown id', method: 'POST', path: '/tasks/%3Cscript%3E/cancel', status: 404, code: 'not_found', notEchoed: '<script>' },
  { name: 'retry of an unknown id', method: 'POST', path: `/tasks/${'x'.repeat(300)}/retry`, status: 404, code: 'not_found' },
  // empty bodies, wrong methods, wrong media types
  { name: 'empty body', method: 'POST', path: '/tasks', body: '', status: 400, code: 'malformed_json' },
  { name: 'null body', method: 'POST', path: '/tasks', body: 'null', status: 400, code: 'invalid_request' },
  { name: 'empty object', method: 'POST', path: '/tasks', body: {}, status: 400, code: 'invalid_request' },
  { name: 'empty batch body', method: 'POST', path: '/tasks/batch', body: '', status: 400, code: 'malformed_json' },
  { name: 'text/plain body', method: 'POST', path: '/tasks', body: task('noop'), contentType: 'text/plain', status: 415, code: 'unsupported_media_type' },
  { name: 'PUT on /tasks', method: 'PUT', path: '/tasks', body: task('noop'), status: 405, code: 'method_not_allowed' },
  { name: 'DELETE on a task', method: 'DELETE', path: '/tasks/abc', status: 405, code: 'method_not_allowed' },
  { name: 'PATCH on the batch route', method: 'PATCH', path: '/tasks/batch', body: { tasks: [task('noop')] }, status: 405, code: 'method_not_allowed' },
  { name: 'GET on cancel', method: 'GET', path: '/tasks/abc/cancel', status: 405, code: 'method_not_allowed' },
  { name: 'POST on the root', method: 'POST', path: '/', body: task('noop'), status: 404, code: 'route_not_found' },
];
