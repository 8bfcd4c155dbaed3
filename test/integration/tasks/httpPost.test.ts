import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  PermanentError,
  RetryableError,
  TaskTimeoutError,
} from '../../../functions/core/errors.js';
import { registry } from '../../../functions/tasks/index.js';
import { createTaskContext } from '../../helpers/taskContext.js';
import { details, failure, runHttpPost as run } from './httpPostCalls.js';
import { startTestServer, type TestServer, unusedPort } from './testServer.js';

let server: TestServer;

beforeEach(async () => {
  server = await startTestServer();
});

afterEach(async () => {
  await server.close();
});

/** A promise that resolves when the server receives a request, which it never answers. */
function hangOnNextRequest(): Promise<void> {
  return new Promise((resolve) => server.respond(() => resolve()));
}

describe('http.post', () => {
  it("sends the task's traceparent, unless the payload sets its own", async () => {
    const traceparent = `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`;
    const ctx = createTaskContext({ traceparent });

    await run({ url: `${server.url}/a`, body: {} }, ctx);
    await run({ url: `${server.url}/b`, body: {}, headers: { traceparent: 'theirs' } }, ctx);
    await run({ url: `${server.url}/c`, body: {} }, createTaskContext());

    expect(server.seen.map((r) => r.headers.traceparent)).toEqual([
      traceparent,
      'theirs',
      undefined,
    ]);
  });

  it('returns the status and JSON body, sending the idempotency key and the JSON body', async () => {
    server.respond((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"accepted":true}');
    });
    const ctx = createTaskContext({ idempotencyKey: 'order-42' });

    const result = await run(
      {
        url: `${server.url}/hook`,
        body: { order: 42, items: ['a'] },
        headers: { 'X-Trace': 't1' },
      },
      ctx,
    );

    expect(result).toEqual({ status: 200, body: { accepted: true } });
    const [request] = server.seen;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/hook');
    expect(request?.headers['idempotency-key']).toBe('order-42');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['x-trace']).toBe('t1');
    expect(JSON.parse(request?.body ?? '')).toEqual({ order: 42, items: ['a'] });
  });

  it('fails with a RetryableError on 500, then succeeds on the retry with the same key', async () => {
    let calls = 0;
    server.respond((_req, res) => {
      calls += 1;
      if (calls === 1) res.writeHead(500).end('database down');
      else res.writeHead(200).end();
    });

    const error = await failure(run({ url: server.url, body: { n: 1 } }));
    const result = await run(
      { url: server.url, body: { n: 1 } },
      createTaskContext({ attempt: 2 }),
    );

    expect(error).toBeInstanceOf(RetryableError);
    expect(details(error)).toMatchObject({ status: 500, bodySnippet: 'database down' });
    expect(result).toEqual({ status: 200 });
    expect(server.seen.map((r) => r.headers['idempotency-key'])).toEqual([
      'idem-key-0001',
      'idem-key-0001',
    ]);
  });

  it('fails for good on 400, with the status and a body snippet', async () => {
    server.respond((_req, res) => res.writeHead(400).end('bad field: email'));

    const error = await failure(run({ url: server.url, body: {} }));

    expect(error).toBeInstanceOf(PermanentError);
    expect(details(error)).toMatchObject({ status: 400, bodySnippet: 'bad field: email' });
  });

  it('honours Retry-After in seconds on 429', async () => {
    server.respond((_req, res) => res.writeHead(429, { 'retry-after': '7' }).end());

    const error = await failure(run({ url: server.url, body: {} }));

    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).retryAfterMs).toBe(7000);
  });

  it('honours Retry-After as an HTTP date on 503', async () => {
    const at = new Date(Date.now() + 120_000).toUTCString();
    server.respond((_req, res) => res.writeHead(503, { 'retry-after': at }).end());

    const error = await failure(run({ url: server.url, body: {} }));

    expect(error).toBeInstanceOf(RetryableError);
    // The date has whole seconds: about a second of the delay may be lost, never added.
    const retryAfterMs = (error as RetryableError).retryAfterMs;
    expect(retryAfterMs).toBeGreaterThan(100_000);
    expect(retryAfterMs).toBeLessThanOrEqual(120_000);
  });

  it('times out a server that never answers, as a retryable timeout', async () => {
    const arrived = hangOnNextRequest();

    const outcome = failure(run({ url: server.url, body: {}, timeoutMs: 200 }));
    await arrived;
    const error = await outcome;

    expect(error).toBeInstanceOf(TaskTimeoutError);
    expect(error.retryable).toBe(true);
    expect((error as TaskTimeoutError).timeoutMs).toBe(200);
  });

  it('stops when the task signal aborts mid-request', async () => {
    const arrived = hangOnNextRequest();
    const ctx = createTaskContext();

    const outcome = failure(run({ url: server.url, body: {} }, ctx));
    await arrived;
    ctx.controller.abort();
    const error = await outcome;

    expect(error).toBeInstanceOf(RetryableError);
    expect(error.message).toMatch(/aborted by the task signal/);
  });

  it('keeps a typed abort reason from the consumer', async () => {
    const arrived = hangOnNextRequest();
    const ctx = createTaskContext();
    const deadline = new TaskTimeoutError(500, 'deadline');

    const outcome = failure(run({ url: server.url, body: {} }, ctx));
    await arrived;
    ctx.controller.abort(deadline);

    expect(await outcome).toBe(deadline);
  });

  it('retries a refused connection', async () => {
    const port = await unusedPort();

    const error = await failure(run({ url: `http://127.0.0.1:${port}/`, body: {} }));

    expect(error).toBeInstanceOf(RetryableError);
    expect(details(error)).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('retries a connection reset before any answer', async () => {
    server.respond((req) => req.socket.destroy());

    const error = await failure(run({ url: server.url, body: {} }));

    expect(error).toBeInstanceOf(RetryableError);
    expect(server.seen).toHaveLength(1);
  });

  it.each([
    ['an ftp:// url', { url: 'ftp://example.com/x', body: {} }],
    ['a url with credentials', { url: 'https://user:pw@example.com/', body: {} }],
    ['a Host header', { url: 'https://example.com/', body: {}, headers: { Host: 'evil' } }],
    [
      'a Connection header',
      { url: 'https://example.com/', body: {}, headers: { connection: 'x' } },
    ],
    [
      'a header value with CRLF',
      { url: 'https://example.com/', body: {}, headers: { a: 'b\r\nc: d' } },
    ],
    ['a timeout over the bound', { url: 'https://example.com/', body: {}, timeoutMs: 600_000 }],
    ['no body', { url: 'https://example.com/' }],
  ])('rejects a payload with %s', (_label, payload) => {
    expect(() => registry.parsePayload('http.post', payload)).toThrow(
      /payload for task type "http.post"/,
    );
  });

  it('accepts a valid payload', () => {
    const payload = { url: 'https://example.com/hook', body: [1], headers: { 'X-A': 'b' } };

    expect(registry.parsePayload('http.post', payload)).toEqual(payload);
  });
});
