import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoTaskStore } from '../../functions/adapters/dynamodb/DynamoTaskStore.js';
import { LocalPipeline } from '../../local/LocalPipeline.js';
import { pollUntil } from '../helpers/poll.js';

interface TaskView {
  id: string;
  status: string;
  startedAt?: string;
  runAt?: string;
}

const HOUR_MS = 3_600_000;

/** A clock the test moves forward: the runtime's long delays are measured against it. */
function movableClock() {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance(ms: number) {
      offset += ms;
    },
  };
}

// Delays beyond SQS's 15 minutes on the local runtime: a timer that survives a restart
// with --data-dir, fired through the real queue and consumer.
describe('long delays on the local runtime', () => {
  let dir: string;
  const clock = movableClock();
  let pipeline: LocalPipeline;

  const start = () =>
    LocalPipeline.start({
      ports: { api: 0, sqs: 0, dynamodb: 0 },
      logLevel: 'SILENT',
      dataDir: dir,
      clock,
    });
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${pipeline.info.apiUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const task = async (id: string) =>
    (await (await fetch(`${pipeline.info.apiUrl}/tasks/${id}`)).json()) as TaskView;
  const until = (id: string, status: string) =>
    pollUntil(
      () => task(id),
      (t) => t.status === status,
      { what: `task ${id} ${status}`, timeoutMs: 60_000 },
    );
  /** A task enqueued now and seen SUCCEEDED: the consumer has had its chance at the queue. */
  const barrier = async () => {
    const { body } = await post('/tasks', { type: 'noop', payload: {} });
    await until(body.taskId as string, 'SUCCEEDED');
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'taskpipe-delays-'));
    pipeline = await start();
  }, 60_000);

  afterAll(async () => {
    await pipeline?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('holds a task SCHEDULED until it is due, then runs it, never before', async () => {
    const { status, body } = await post('/tasks', {
      type: 'noop',
      payload: {},
      delaySeconds: 2 * 3_600,
    });
    expect(status).toBe(202);
    expect(body.status).toBe('SCHEDULED');
    const id = body.taskId as string;
    expect(pipeline.scheduler.pending().map((s) => s.name)).toContain(id);

    clock.advance(2 * HOUR_MS - 60_000);
    pipeline.scheduler.recheck();
    await barrier();
    expect((await task(id)).status).toBe('SCHEDULED');

    clock.advance(60_000);
    pipeline.scheduler.recheck();
    await until(id, 'SUCCEEDED');
    expect(pipeline.scheduler.pending().map((s) => s.name)).not.toContain(id);
  }, 120_000);

  it('keeps a schedule across a restart with --data-dir, and fires it after', async () => {
    const runAt = new Date(clock.now() + 3 * HOUR_MS).toISOString();
    const { body } = await post('/tasks', { type: 'noop', payload: {}, runAt });
    const id = body.taskId as string;
    expect(body.status).toBe('SCHEDULED');
    await pipeline.stop();

    pipeline = await start();
    expect(pipeline.scheduler.pending().map((s) => s.name)).toContain(id);
    expect((await task(id)).status).toBe('SCHEDULED');
    clock.advance(3 * HOUR_MS);
    pipeline.scheduler.recheck();
    await until(id, 'SUCCEEDED');
  }, 120_000);

  it('cancels a scheduled task: its schedule goes, and it never runs', async () => {
    const { body } = await post('/tasks/batch', {
      tasks: [{ type: 'noop', payload: {}, delaySeconds: 86_400 }],
    });
    const [entry] = body.results as { taskId: string; status: string }[];
    expect(entry!.status).toBe('SCHEDULED');
    const cancelled = await post(`/tasks/${entry!.taskId}/cancel`, {});
    expect(cancelled.status).toBe(200);
    expect(pipeline.scheduler.pending().map((s) => s.name)).not.toContain(entry!.taskId);
    clock.advance(86_400_000);
    pipeline.scheduler.recheck();
    await barrier();
    expect((await task(entry!.taskId)).status).toBe('CANCELLED');
  }, 120_000);

  it('keeps the row until after it is due, whatever the retention', async () => {
    const { body } = await post('/tasks', {
      type: 'noop',
      payload: {},
      delaySeconds: 300 * 86_400,
    });
    const view = await task(body.taskId as string);
    const due = clock.now() + 300 * 86_400_000;
    expect(Math.abs(Date.parse(view.runAt!) - due)).toBeLessThan(60_000);
    const store = new DynamoTaskStore({
      client: pipeline.clients.dynamodb,
      tableName: pipeline.info.tableName,
    });
    const record = await store.get(body.taskId as string);
    expect(record!.expiresAt * 1_000).toBeGreaterThan(due);
  });

  it('refuses a delay beyond a year, or both delaySeconds and runAt, saying what is allowed', async () => {
    const tooLong = await post('/tasks', { type: 'noop', payload: {}, delaySeconds: 31_536_001 });
    expect(tooLong.status).toBe(400);
    expect(JSON.stringify(tooLong.body)).toContain('31536000');
    const both = await post('/tasks', {
      type: 'noop',
      payload: {},
      delaySeconds: 1,
      runAt: new Date().toISOString(),
    });
    expect(both.status).toBe(400);
    expect(JSON.stringify(both.body)).toContain('either delaySeconds or runAt');
  });
});
