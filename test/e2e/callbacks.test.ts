import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalPipeline } from '../../local/LocalPipeline.js';
import { writeLocalState } from '../../local/stateFile.js';
import { startCallbackReceiver } from '../helpers/callbackReceiver.js';
import { pollUntil } from '../helpers/poll.js';
import { runCli } from './cliHarness.js';

// Signed callbacks on the local runtime: delivered as http.post tasks that retry, signed
// with the development key at each send.
describe('callbacks on the local runtime', () => {
  let pipeline: LocalPipeline;
  let receiver: Awaited<ReturnType<typeof startCallbackReceiver>>;
  let key = '';
  let stateDir: string;

  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${pipeline.info.apiUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    pipeline = await LocalPipeline.start({
      ports: { api: 0, sqs: 0, dynamodb: 0 },
      logLevel: 'SILENT',
    });
    key = (JSON.parse(await readFile(pipeline.info.callbackKeyFile!, 'utf8')) as { key: string })
      .key;
    receiver = await startCallbackReceiver({ key: () => key, failFirst: 2 });
    stateDir = await mkdtemp(join(tmpdir(), 'taskpipe-cb-'));
  }, 60_000);

  afterAll(async () => {
    await receiver?.close();
    await pipeline?.stop();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('POSTs the final status and result, signed, and retries a failing receiver until it answers', async () => {
    const { status, body } = await post('/tasks', {
      type: 'noop',
      payload: {},
      callback: { url: receiver.url },
    });
    expect(status).toBe(202);
    const taskId = body.taskId as string;
    const delivered = await pollUntil(
      async () => receiver.received,
      (all) => all.some((r) => r.status === 200),
      { what: 'a delivered callback', timeoutMs: 90_000 },
    );
    expect(delivered.length).toBe(3);
    for (const call of delivered) {
      expect(call.validSignature).toBe(true);
      expect(call.body).toMatchObject({ kind: 'task', taskId, type: 'noop', status: 'SUCCEEDED' });
    }
    // Every try is the same callback task: one idempotency key for the receiver to dedupe on.
    expect(new Set(delivered.map((r) => r.idempotencyKey)).size).toBe(1);
    // Signed when sent: no try carries a timestamp older than the one before it.
    const times = delivered.map((r) => r.timestamp);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  }, 120_000);

  it("POSTs a group's signed summary once, after every member ended", async () => {
    const { status, body } = await post('/groups', {
      tasks: [
        { type: 'noop', payload: {} },
        { type: 'noop', payload: { sleepMs: 200 } },
      ],
      callback: { url: receiver.url },
    });
    expect(status).toBe(202);
    const groupId = body.groupId as string;
    const get = async (path: string) =>
      (await (await fetch(`${pipeline.info.apiUrl}${path}`)).json()) as Record<string, unknown>;
    const view = await pollUntil(
      () => get(`/groups/${groupId}`),
      (g) => (g.callback as { enqueued: boolean } | undefined)?.enqueued === true,
      { what: "the group's callback", timeoutMs: 60_000 },
    );
    const { taskId } = view.callback as { taskId: string };
    await pollUntil(
      () => get(`/tasks/${taskId}`),
      (t) => t.status === 'SUCCEEDED',
      { what: 'the callback task', timeoutMs: 60_000 },
    );
    const calls = receiver.received.filter((r) => (r.body as { kind?: string }).kind === 'group');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.validSignature).toBe(true);
    expect(calls[0]?.idempotencyKey).toBeDefined();
    expect(calls[0]?.body).toMatchObject({
      kind: 'group',
      groupId,
      status: 'SUCCEEDED',
      total: 2,
      succeeded: 2,
      failed: 0,
      failedIds: [],
    });
  }, 120_000);

  it('prints the development key with taskpipe callbacks key', async () => {
    const stateFile = join(stateDir, 'local.json');
    await writeLocalState(pipeline.info, stateFile);
    const run = await runCli(['callbacks', 'key', '--state-file', stateFile]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(key);
  }, 60_000);

  it('refuses a callback URL that is not http(s), saying what is allowed', async () => {
    const { status, body } = await post('/tasks', {
      type: 'noop',
      payload: {},
      callback: { url: 'ftp://example.com/x' },
    });
    expect(status).toBe(400);
    expect(JSON.stringify(body)).toContain('must be an http:// or https:// URL');
  });
});
