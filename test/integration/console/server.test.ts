import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Target } from '../../../cli/target.js';
import { osUser } from '../../../console/server/actions/identity.js';
import { ConsoleServer } from '../../../console/server/ConsoleServer.js';
import type { Observations } from '../../../console/server/Observations.js';
import { CONTENT_SECURITY_POLICY } from '../../../console/server/securityHeaders.js';
import { loadStaticFiles } from '../../../console/server/staticFiles.js';

/** The issue's budget for the web app's JavaScript. */
const MAX_JS_GZIP_BYTES = 200 * 1024;

// The server's own rules, apart from any read: loopback only, its headers, its methods.
describe('console server', () => {
  let server: ConsoleServer;
  const failures: unknown[] = [];

  beforeAll(async () => {
    const target = { registry: undefined } as unknown as Target;
    server = await ConsoleServer.start(
      { target, observations: {} as Observations },
      { port: 0, onError: (e) => failures.push(e), audit: { identity: osUser } },
    );
  });
  afterAll(async () => {
    await server?.close();
  });

  /** A raw request, so the Host header can be anything. */
  const send = (path: string, options: { method?: string; host?: string } = {}) =>
    new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
      (done, fail) => {
        const url = new URL(path, server.url);
        const req = request(
          url,
          { method: options.method ?? 'GET', headers: options.host ? { host: options.host } : {} },
          (res) => {
            let body = '';
            res.on('data', (c: Buffer) => {
              body += c.toString('utf8');
            });
            res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
          },
        );
        req.on('error', fail);
        req.end();
      },
    );

  it('listens on 127.0.0.1', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('serves the app with a strict CSP and no inline script or style', async () => {
    const page = await send('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page.body).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
  });

  it('refuses a request addressed to another host name (DNS rebinding)', async () => {
    const answer = await send('/api/meta', { host: 'attacker.example' });
    expect(answer.status).toBe(421);
  });

  it('takes POST on actions only: other methods and paths are refused', async () => {
    const read = await send('/api/tasks', { method: 'POST' });
    expect(read.status).toBe(405);
    expect(read.headers.allow).toBe('GET, HEAD');
    const page = await send('/', { method: 'POST' });
    expect(page.status).toBe(405);
    const put = await send('/api/tasks/a/retry', { method: 'PUT' });
    expect(put.status).toBe(405);
  });

  it('answers unknown reads and files with 404 and no file system access', async () => {
    expect((await send('/api/nothing')).status).toBe(404);
    expect((await send('/../package.json')).status).toBe(404);
    expect((await send('/assets/%2e%2e/%2e%2e/package.json')).status).toBe(404);
  });

  it('answers that a console without a local runtime has no outbox', async () => {
    const answer = await send('/api/outbox?id=01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ available: false, messages: [] });
  });

  it('turns a failing read into a 500 without details, and reports it', async () => {
    const answer = await send('/api/meta');
    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.body).error.message).not.toMatch(/registry|TypeError/);
    expect(failures).toHaveLength(1);
  });

  it('ships under 200 KB of gzipped JavaScript, all of it bundled', async () => {
    const files = await loadStaticFiles();
    const scripts = [...files].filter(([path]) => path.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    const gzipped = scripts.reduce((n, [, f]) => n + gzipSync(f.body).length, 0);
    expect(gzipped).toBeLessThan(MAX_JS_GZIP_BYTES);
    for (const [, f] of files)
      expect(f.body.toString('utf8')).not.toMatch(
        /https?:\/\/(?!www\.w3\.org)[a-z0-9.-]+\.[a-z]{2,}\/[^"'\s]*\.(js|css|woff2?)/i,
      );
  });
});
