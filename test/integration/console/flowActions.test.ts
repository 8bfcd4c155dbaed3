import { readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openLocal, type Target } from '../../../cli/target.js';
import { ConsoleServer } from '../../../console/server/ConsoleServer.js';
import type { Observations } from '../../../console/server/Observations.js';
import type {
  AuditEntry,
  BreakerView,
  FlowView,
  PauseActionView,
  ResumeActionView,
} from '../../../console/shared/api.js';
import { DynamoFlowStore } from '../../../functions/adapters/dynamodb/DynamoFlowStore.js';
import { bucketOf } from '../../../functions/core/flow/breaker.js';
import type { LocalPipelineInfo } from '../../../local/LocalPipeline.js';
import {
  type Backend,
  createQueuePair,
  createTaskTable,
  uniqueName,
} from '../../helpers/backends.js';
import { describeOnEachBackend } from '../../helpers/eachBackend.js';

const WHO = 'os-user:flow-tester';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One raw request, so Origin, Cookie and the token header are exactly what a test says. */
function send(
  base: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((done, fail) => {
    const req = request(
      new URL(path, base),
      { method: options.method ?? 'GET', headers: options.headers ?? {} },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString('utf8');
        });
        res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', fail);
    req.end(options.body);
  });
}

/** A browser-like session on one console: its cookie and token, sent with every action. */
async function session(base: string) {
  const answer = await send(base, '/api/session');
  const cookie = String(answer.headers['set-cookie'] ?? '').split(';')[0] ?? '';
  const { csrfToken } = JSON.parse(answer.body) as { csrfToken: string };
  const origin = new URL(base).origin;
  return {
    act: (path: string, body: unknown, opts: { token?: boolean } = {}) =>
      send(base, path, {
        method: 'POST',
        headers: {
          origin,
          cookie,
          'content-type': 'application/json',
          ...(opts.token === false ? {} : { 'x-taskpipe-csrf': csrfToken }),
        },
        body: JSON.stringify(body),
      }),
    read: async <T>(path: string) => JSON.parse((await send(base, path)).body) as T,
  };
}

// The console's flow page actions over HTTP, against a real table: each changes what the
// CLI reads, is refused without its token or in read-only mode, and is audited.
describeOnEachBackend('console flow actions', (current) => {
  let backend: Backend;
  let info: LocalPipelineInfo;
  /** What `taskpipe pause` and `stats` work with: the CLI's own target over the same table. */
  let cli: Target;
  let consoleTarget: Target;
  let server: ConsoleServer;
  let readOnly: ConsoleServer;
  let user: Awaited<ReturnType<typeof session>>;
  const auditFile = join(tmpdir(), `${uniqueName('flow-audit')}.jsonl`);

  beforeAll(async () => {
    backend = current();
    const tableName = uniqueName('console-flow');
    await createTaskTable(backend, tableName);
    const [high, normal] = await Promise.all([
      createQueuePair(backend, uniqueName('flow-high')),
      createQueuePair(backend, uniqueName('flow-default')),
    ]);
    const queue = (priority: string, q: typeof high) => ({
      priority,
      name: q.name,
      url: q.url,
      dlqUrl: q.dlqUrl,
      fifo: false,
    });
    info = {
      region: backend.region,
      sqsEndpoint: backend.sqsEndpoint,
      dynamodbEndpoint: backend.dynamodbEndpoint,
      tableName,
      queues: [queue('high', high), queue('default', normal)],
      pid: process.pid,
      startedAt: new Date().toISOString(),
    };
    cli = openLocal(info);
    consoleTarget = openLocal(info);
    const observations = {} as Observations;
    server = await ConsoleServer.start(
      { target: consoleTarget, observations },
      { port: 0, audit: { identity: async () => WHO, file: auditFile } },
    );
    readOnly = await ConsoleServer.start(
      { target: consoleTarget, observations },
      { port: 0, readOnly: true, audit: { identity: async () => WHO } },
    );
    user = await session(server.url);
  });
  afterAll(async () => {
    await Promise.all([server?.close(), readOnly?.close()]);
    cli?.close();
    consoleTarget?.close();
    await rm(auditFile, { force: true });
  });

  const audit = async (): Promise<AuditEntry[]> =>
    (await readFile(auditFile, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as AuditEntry);
  const errorOf = (answer: Answer) =>
    (JSON.parse(answer.body) as { error: { code: string; message: string } }).error;

  it('lists every queue and type unpaused, and no breaker, on a fresh table', async () => {
    const view = await user.read<FlowView>('/api/flow');
    expect(view.queues).toEqual([
      { priority: 'high', name: info.queues[0]?.name },
      { priority: 'default', name: info.queues[1]?.name },
    ]);
    expect(view.types.map((t) => t.type)).toEqual(cli.registry.types);
    expect(view.types.every((t) => t.pause === undefined)).toBe(true);
    expect(view.breakers).toEqual([]);
  });

  it('pauses a type as the audit identity, and resumes it, as the CLI then reads', async () => {
    const paused = await user.act('/api/flow/pause', { type: 'noop' });
    expect(paused.status, paused.body).toBe(200);
    const out = JSON.parse(paused.body) as PauseActionView;
    expect(out).toMatchObject({ created: true, pause: { scope: 'type', name: 'noop', by: WHO } });
    expect((await cli.flow.status()).pauses.types).toEqual([
      { scope: 'type', name: 'noop', since: out.pause.since, by: WHO },
    ]);
    const view = await user.read<FlowView>('/api/flow');
    expect(view.types.find((t) => t.type === 'noop')?.pause).toEqual(out.pause);

    const again = JSON.parse((await user.act('/api/flow/pause', { type: 'noop' })).body);
    expect(again).toEqual({ created: false, pause: out.pause });

    const resumed = await user.act('/api/flow/resume', { type: 'noop' });
    expect(resumed.status).toBe(200);
    expect(JSON.parse(resumed.body) as ResumeActionView).toEqual({
      resumed: true,
      pause: out.pause,
    });
    expect((await cli.flow.status()).pauses.types).toEqual([]);
    const twice = JSON.parse((await user.act('/api/flow/resume', { type: 'noop' })).body);
    expect(twice).toEqual({ resumed: false, pause: null });

    const entries = (await audit()).filter((e) => e.target === 'type noop');
    expect(entries.map((e) => [e.action, e.count, e.outcome, e.who])).toEqual([
      ['flow.pause', 1, 'ok', WHO],
      ['flow.pause', 0, `ok: already paused by ${WHO}`, WHO],
      ['flow.resume', 1, 'ok', WHO],
      ['flow.resume', 0, 'ok: was not paused', WHO],
    ]);
  });

  it('pauses and resumes a queue, named by priority or by queue name', async () => {
    const paused = await user.act('/api/flow/pause', { queue: info.queues[1]?.name });
    expect(paused.status, paused.body).toBe(200);
    expect((await cli.flow.status()).pauses.queues).toMatchObject([
      { scope: 'queue', name: 'default', by: WHO },
    ]);
    const view = await user.read<FlowView>('/api/flow');
    expect(view.queues.find((q) => q.priority === 'default')?.pause?.by).toBe(WHO);
    expect(view.queues.find((q) => q.priority === 'high')?.pause).toBeUndefined();
    expect((await user.act('/api/flow/resume', { queue: 'default' })).status).toBe(200);
    expect((await cli.flow.status()).pauses.queues).toEqual([]);
    expect(
      (await audit()).some((e) => e.action === 'flow.resume' && e.target === 'queue default'),
    ).toBe(true);
  });

  it('opens a breaker by hand and closes it, with the failures its window counted', async () => {
    const key = 'host:api.example.com';
    const store = new DynamoFlowStore({ client: cli.dynamodb, tableName: info.tableName });
    await store.addCounts(key, { start: bucketOf(Date.now()), attempts: 5, failures: 4 }, 60_000);

    const opened = await user.act('/api/flow/breaker/open', { key });
    expect(opened.status, opened.body).toBe(200);
    const record = (await cli.flow.status()).breakers.find((b) => b.key === key);
    expect(record).toMatchObject({ state: 'open', by: WHO });
    expect(record?.until).toBeUndefined();

    const view = await user.read<FlowView>('/api/flow');
    const shown = view.breakers.find((b) => b.key === key);
    expect(shown).toMatchObject({
      state: 'open',
      by: WHO,
      openedAt: record?.since,
      heldOpen: true,
      attemptsInWindow: 5,
      failuresInWindow: 4,
      windowSeconds: 60,
    } satisfies Partial<BreakerView>);
    expect(shown?.coolDownEnds).toBeUndefined();

    const closed = await user.act('/api/flow/breaker/close', { key });
    expect(JSON.parse(closed.body)).toMatchObject({ key, state: 'closed', heldOpen: false });
    expect((await cli.flow.status()).breakers.find((b) => b.key === key)?.state).toBe('closed');
    const actions = (await audit()).filter((e) => e.target === `breaker ${key}`);
    expect(actions.map((e) => [e.action, e.count, e.outcome])).toEqual([
      ['breaker.open', 1, 'ok'],
      ['breaker.close', 1, 'ok'],
    ]);
  });

  it('refuses bodies that are not one queue or one type, saying what is allowed', async () => {
    for (const body of [{}, { queue: 'high', type: 'noop' }]) {
      const answer = await user.act('/api/flow/pause', body);
      expect(answer.status).toBe(400);
      expect(errorOf(answer).message).toContain(
        `give exactly one of "queue" (high, default) or "type" (${cli.registry.types.join(', ')})`,
      );
    }
    const extra = await user.act('/api/flow/resume', { type: 'noop', by: 'mallory' });
    expect(extra.status).toBe(400);
    expect(errorOf(extra).message).toContain('unknown field; allowed: "queue" or "type"');
    const notText = await user.act('/api/flow/pause', { type: 42 });
    expect(notText.status).toBe(400);
    expect(errorOf(notText).message).toMatch(/type: .*string/);
    const noKey = await user.act('/api/flow/breaker/open', {});
    expect(noKey.status).toBe(400);
    expect(errorOf(noKey).message).toMatch(/key/);
    const badKey = await user.act('/api/flow/breaker/open', { key: 'api.example.com' });
    expect(badKey.status).toBe(400);
    expect(errorOf(badKey).message).toContain('must be host:<host[:port]> or type:<task type>');
    expect(await cli.flow.status()).toMatchObject({ pauses: { queues: [], types: [] } });
  });

  it('refuses an unknown queue or type, listing the known ones', async () => {
    const queue = await user.act('/api/flow/pause', { queue: 'urgent' });
    expect(queue.status).toBe(400);
    expect(errorOf(queue).message).toContain('must be one of high, default');
    const type = await user.act('/api/flow/pause', { type: 'no.such.type' });
    expect(type.status).toBe(400);
    expect(errorOf(type)).toMatchObject({ code: 'unknown_type' });
    expect(errorOf(type).message).toContain(`known types: ${cli.registry.types.join(', ')}`);
    const breaker = await user.act('/api/flow/breaker/open', { key: 'type:no.such.type' });
    expect(errorOf(breaker).code).toBe('unknown_type');
    expect(await cli.flow.status()).toMatchObject({ pauses: { queues: [], types: [] } });
    const failed = (await audit()).filter((e) => e.outcome.startsWith('failed:'));
    expect(failed.map((e) => e.outcome)).toContain('failed: unknown_type');
  });

  it('refuses an action without the CSRF token, and changes nothing', async () => {
    const answer = await user.act('/api/flow/pause', { type: 'noop' }, { token: false });
    expect(answer.status).toBe(403);
    expect(errorOf(answer).code).toBe('csrf_token');
    const breaker = await user.act(
      '/api/flow/breaker/open',
      { key: 'host:x.test' },
      { token: false },
    );
    expect(breaker.status).toBe(403);
    const status = await cli.flow.status();
    expect(status.pauses.types).toEqual([]);
    expect(status.breakers.map((b) => b.key)).not.toContain('host:x.test');
    expect(
      (await audit()).filter((e) => e.outcome === 'refused: csrf_token').map((e) => e.action),
    ).toEqual(['flow.pause', 'breaker.open']);
  });

  it('read-only: shows the flow state, and refuses every flow action', async () => {
    const ro = await session(readOnly.url);
    expect((await ro.read<FlowView>('/api/flow')).queues).toHaveLength(2);
    for (const [path, body] of [
      ['/api/flow/pause', { type: 'noop' }],
      ['/api/flow/resume', { queue: 'high' }],
      ['/api/flow/breaker/open', { key: 'host:ro.test' }],
      ['/api/flow/breaker/close', { key: 'host:ro.test' }],
    ] as const) {
      const answer = await ro.act(path, body);
      expect(answer.status, path).toBe(403);
      expect(errorOf(answer).code).toBe('read_only');
    }
    const status = await cli.flow.status();
    expect(status.pauses.types).toEqual([]);
    expect(status.breakers.map((b) => b.key)).not.toContain('host:ro.test');
  });
});
