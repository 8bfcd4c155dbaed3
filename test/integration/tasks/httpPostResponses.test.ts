import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../../functions/core/errors.js';
import { createTaskContext } from '../../helpers/taskContext.js';
import { details, failure, runHttpPost as run } from './httpPostCalls.js';
import { startTestServer, type TestServer } from './testServer.js';

let server: TestServer;

beforeEach(async () => {
  server = await startTestServer();
});

afterEach(async () => {
  await server.close();
});

describe('http.post responses', () => {
  it('returns text bodies as text and omits an empty body', async () => {
    server.respond((_req, res) =>
      res.writeHead(202, { 'content-type': 'text/plain' }).end('queued'),
    );
    expect(await run({ url: server.url, body: null })).toEqual({ status: 202, body: 'queued' });

    server.respond((_req, res) => res.writeHead(204).end());
    expect(await run({ url: server.url, body: null })).toEqual({ status: 204 });
  });

  it('returns mislabelled JSON as text', async () => {
    server.respond((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('not json');
    });

    expect(await run({ url: server.url, body: {} })).toEqual({ status: 200, body: 'not json' });
  });

  it('cuts a large body to 4 KiB and flags it', async () => {
    server.respond((_req, res) => res.writeHead(200).end('x'.repeat(100_000)));

    const result = await run({ url: server.url, body: {} });

    expect(result).toEqual({ status: 200, body: 'x'.repeat(4096), truncated: true });
  });

  it.each([401, 404, 409, 422])('fails for good on %i', async (status) => {
    server.respond((_req, res) => res.writeHead(status).end());

    expect(await failure(run({ url: server.url, body: {} }))).toBeInstanceOf(PermanentError);
  });

  it.each([408, 429, 502, 504])(
    'retries on %i, with the backoff when there is no Retry-After',
    async (status) => {
      server.respond((_req, res) => res.writeHead(status).end());

      const error = await failure(run({ url: server.url, body: {} }));

      expect(error).toBeInstanceOf(RetryableError);
      expect(details(error).status).toBe(status);
      expect((error as RetryableError).retryAfterMs).toBeUndefined();
    },
  );

  it('does not follow redirects', async () => {
    server.respond((_req, res) => res.writeHead(302, { location: `${server.url}/other` }).end());

    const error = await failure(run({ url: server.url, body: {} }));

    expect(error).toBeInstanceOf(PermanentError);
    expect(server.seen.map((r) => r.path)).toEqual(['/']);
  });

  it('logs the host and status but never the body, header values or path', async () => {
    let calls = 0;
    server.respond((_req, res) => {
      calls += 1;
      res.writeHead(calls === 1 ? 201 : 400).end();
    });
    const ctx = createTaskContext();
    const payload = {
      url: `${server.url}/hook?token=path-secret`,
      body: { password: 'body-secret' },
      headers: { authorization: 'Bearer header-secret' },
    };

    await run(payload, ctx);
    const error = await failure(run(payload, ctx));

    const recorded = JSON.stringify([ctx.logs, error.message, error.details]);
    // The success is logged here; the failure only in its error, which the consumer logs.
    expect(ctx.logs).toHaveLength(1);
    expect(error.message).toContain('400');
    expect(recorded).toContain(new URL(server.url).host);
    expect(recorded).toContain('201');
    expect(recorded).toContain('400');
    for (const secret of ['path-secret', 'body-secret', 'header-secret']) {
      expect(recorded).not.toContain(secret);
    }
  });
});
