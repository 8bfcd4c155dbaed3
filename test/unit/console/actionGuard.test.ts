import { readFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ActionGuard, CSRF_HEADER } from '../../../console/server/actions/ActionGuard.js';
import { AuditLog } from '../../../console/server/actions/AuditLog.js';
import { runAction } from '../../../console/server/actions/runAction.js';
import type { ActionRoute, ConsoleContext } from '../../../console/server/ConsoleContext.js';

const HOST = '127.0.0.1:4100';

/** A request as node:http hands it over: headers, and a body to read. */
function request(headers: Record<string, string>, body = '{}'): IncomingMessage {
  return Object.assign(Readable.from([Buffer.from(body)]), {
    headers: { host: HOST, ...headers },
  }) as unknown as IncomingMessage;
}

/** A session cookie and its token, as the web app gets them from /api/session. */
function session(guard: ActionGuard) {
  const started = guard.session(request({}));
  const cookie = started.setCookie?.split(';')[0] ?? '';
  return { cookie, token: started.token };
}

function acting(guard: ActionGuard, extra: Record<string, string> = {}) {
  const { cookie, token } = session(guard);
  return request({
    origin: `http://${HOST}`,
    'sec-fetch-site': 'same-origin',
    cookie,
    [CSRF_HEADER]: token,
    'content-type': 'application/json',
    ...extra,
  });
}

describe('ActionGuard', () => {
  const guard = new ActionGuard(false, 4100);

  it('starts a session with an HttpOnly, SameSite=Strict cookie named for the port', () => {
    const started = guard.session(request({}));
    expect(started.setCookie).toMatch(
      /^taskpipe_console_4100=[A-Za-z0-9_-]{32}; Path=\/; HttpOnly; SameSite=Strict$/,
    );
    const again = guard.session(request({ cookie: started.setCookie?.split(';')[0] ?? '' }));
    expect(again).toEqual({ token: started.token });
  });

  it('lets a same-origin request with its session token act', () => {
    expect(guard.check(acting(guard))).toBeUndefined();
  });

  it('refuses other origins, a missing origin and a cross-site fetch', () => {
    expect(guard.check(acting(guard, { origin: 'http://evil.example' }))?.code).toBe(
      'cross_origin',
    );
    expect(guard.check(acting(guard, { origin: 'http://127.0.0.1:9999' }))?.code).toBe(
      'cross_origin',
    );
    const { origin: _o, ...noOrigin } = acting(guard).headers as Record<string, string>;
    expect(guard.check(request(noOrigin))?.code).toBe('cross_origin');
    expect(guard.check(acting(guard, { 'sec-fetch-site': 'same-site' }))?.code).toBe(
      'cross_origin',
    );
  });

  it('refuses a missing or wrong token, a missing cookie, and another server’s token', () => {
    expect(guard.check(acting(guard, { [CSRF_HEADER]: '' }))?.code).toBe('csrf_token');
    expect(guard.check(acting(guard, { [CSRF_HEADER]: 'x'.repeat(43) }))?.code).toBe('csrf_token');
    expect(guard.check(acting(guard, { cookie: '' }))?.code).toBe('csrf_token');
    const other = session(new ActionGuard(false, 4100));
    expect(guard.check(acting(guard, { [CSRF_HEADER]: other.token }))?.code).toBe('csrf_token');
  });

  it('refuses everything when read-only, even a perfect request', () => {
    const readOnly = new ActionGuard(true, 4100);
    expect(readOnly.check(acting(readOnly))?.code).toBe('read_only');
  });
});

describe('runAction', () => {
  const file = join(tmpdir(), `audit-unit-${process.pid}-${Date.now()}.jsonl`);
  const printed: string[] = [];
  const audit = new AuditLog({
    identity: async () => 'os-user:alice',
    file,
    print: (l) => printed.push(l),
  });
  const guard = new ActionGuard(false, 4100);
  const calls: unknown[] = [];
  const route: ActionRoute = {
    method: 'POST',
    path: '/api/things/:id/poke',
    action: 'thing.poke',
    handler: async ({ params, body }) => {
      calls.push(body);
      return { body: { poked: params.id }, audit: { target: `thing ${params.id}`, count: 3 } };
    },
  };
  const ctx = {} as ConsoleContext;
  const run = (req: IncomingMessage) =>
    runAction(req, route, { ctx, params: { id: 'a1' }, guard, audit });

  it('runs the handler past the guard, and records who, what, on what and how many', async () => {
    const answer = await run(acting(guard));
    expect(answer).toEqual({ status: 200, body: { poked: 'a1' } });
    expect(calls).toEqual([{}]);
    const [line] = (await readFile(file, 'utf8')).trim().split('\n');
    expect(JSON.parse(line ?? '')).toMatchObject({
      who: 'os-user:alice',
      action: 'thing.poke',
      target: 'thing a1',
      count: 3,
      outcome: 'ok',
    });
    expect(printed.at(-1)).toBe('console action: os-user:alice thing.poke thing a1 ×3: ok');
    expect(audit.recent()[0]?.action).toBe('thing.poke');
  });

  it('refuses with 403 before the handler runs, and records the refusal', async () => {
    calls.length = 0;
    const answer = await run(acting(guard, { origin: 'http://evil.example' }));
    expect(answer.status).toBe(403);
    expect(calls).toEqual([]);
    expect(audit.recent()[0]).toMatchObject({ outcome: 'refused: cross_origin', count: 0 });
  });

  it('takes JSON only, and says what is wrong with a body', async () => {
    expect((await run(acting(guard, { 'content-type': 'text/plain' }))).status).toBe(415);
    const { cookie, token } = session(guard);
    const bad = request(
      {
        origin: `http://${HOST}`,
        cookie,
        [CSRF_HEADER]: token,
        'content-type': 'application/json',
      },
      '{nope',
    );
    const answer = await run(bad);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain('must be JSON');
  });

  it('records an identity it could not learn as unknown, and asks again next time', async () => {
    let asked = 0;
    const log = new AuditLog({
      identity: async () => {
        asked++;
        throw new Error('no credentials');
      },
    });
    expect(await log.who()).toBe('unknown (no credentials)');
    await log.who();
    expect(asked).toBe(2);
  });
});
