import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { pipelineDefinition } from '../../definition/pipeline.js';
import { createRegistry } from '../../functions/core/registry.js';
import { defineTask } from '../../functions/core/task.js';
import { LocalPipeline } from '../../local/LocalPipeline.js';
import { pollUntil } from '../helpers/poll.js';

interface TaskView {
  id: string;
  status: string;
  attempts: number;
  createdAt: string;
  finishedAt?: string;
  cancelReason?: string;
  supersededBy?: string;
}

const runs: string[] = [];
const registry = createRegistry([
  defineTask({
    type: 'sync.user',
    schema: z.object({ user: z.string(), n: z.number() }),
    // Five seconds leave room for five enqueues on a busy machine.
    debounce: { key: (p) => p.user, seconds: 5 },
    handler: (p, ctx) => {
      runs.push(ctx.taskId);
      return { n: p.n };
    },
  }),
  defineTask({
    type: 'report.daily',
    schema: z.object({ day: z.string() }),
    dedupWindowSeconds: 3_600,
    handler: (p, ctx) => {
      runs.push(ctx.taskId);
      return { day: p.day };
    },
  }),
]);

/** The API's clock: the system's, moved on by `skipMs` to step past a dedup window. */
const clock = { skipMs: 0, now: () => Date.now() + clock.skipMs };

// Debounce and dedup windows through the local runtime as a user runs it: tasks enqueued
// through the HTTP API, delivered by the pollers, deferred by real delayed re-sends.
describe('debounce and dedup windows in the local runtime', () => {
  let pipeline: LocalPipeline;
  const api = () => pipeline.info.apiUrl!;
  const post = async (body: object) => {
    const res = await fetch(`${api()}/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const enqueue = async (payload: object) => {
    const res = await post({ type: 'sync.user', payload });
    expect(res.status).toBe(202);
    return res.body.taskId as string;
  };
  const task = async (id: string) =>
    (await (await fetch(`${api()}/tasks/${id}`)).json()) as TaskView;
  const ended = (id: string) =>
    pollUntil(
      () => task(id),
      (t) => t.status === 'SUCCEEDED' || t.status === 'CANCELLED',
      { what: `task ${id} to end`, timeoutMs: 30_000 },
    );

  beforeAll(async () => {
    pipeline = await LocalPipeline.start({
      ports: { api: 0, sqs: 0, dynamodb: 0 },
      definition: {
        ...pipelineDefinition,
        queues: [{ priority: 'default', maxConcurrency: 2, batchingWindowSeconds: 0 }],
      },
      registry,
      clock,
      logLevel: 'SILENT',
    });
  }, 120_000);
  afterAll(async () => pipeline?.stop());

  it('runs only the last of five tasks of one key; the others end debounced, unattempted', async () => {
    clock.skipMs = 0;
    const ids: string[] = [];
    for (let n = 1; n <= 5; n++) ids.push(await enqueue({ user: 'u1', n }));
    const other = await enqueue({ user: 'u2', n: 1 });
    const views = await Promise.all([...ids, other].map(ended));
    const last = ids[4]!;
    expect(views.slice(0, 4)).toEqual(
      ids.slice(0, 4).map((id) =>
        expect.objectContaining({
          id,
          status: 'CANCELLED',
          attempts: 0,
          cancelReason: 'debounced',
          supersededBy: last,
        }),
      ),
    );
    expect(views[4]).toMatchObject({ id: last, status: 'SUCCEEDED', attempts: 1 });
    // Another key has its own window.
    expect(views[5]).toMatchObject({ id: other, status: 'SUCCEEDED', attempts: 1 });
    expect(runs.sort()).toEqual([last, other].sort());
  }, 60_000);

  it('answers a key inside its window with its task, and runs a new one after', async () => {
    clock.skipMs = 0;
    const request = { type: 'report.daily', payload: { day: 'mon' }, idempotencyKey: 'mon' };
    const first = await post(request);
    expect(first.status).toBe(202);
    expect(first.body.deduplicated).toBeUndefined();
    const firstId = first.body.taskId as string;
    await pollUntil(
      () => task(firstId),
      (t) => t.status === 'SUCCEEDED',
      { what: 'the first' },
    );

    clock.skipMs = 3_599_000;
    const again = await post(request);
    expect(again).toMatchObject({
      status: 200,
      body: { taskId: firstId, deduplicated: true, status: 'SUCCEEDED' },
    });

    clock.skipMs = 3_600_000;
    const next = await post(request);
    expect(next.status).toBe(202);
    expect(next.body.deduplicated).toBeUndefined();
    const nextId = next.body.taskId as string;
    expect(nextId).not.toBe(firstId);
    await pollUntil(
      () => task(nextId),
      (t) => t.status === 'SUCCEEDED',
      { what: 'the next' },
    );
    expect(runs.filter((id) => id === firstId || id === nextId)).toEqual([firstId, nextId]);
  }, 60_000);

  it('counts a debounced group member as ended, so the group’s follow-up runs', async () => {
    clock.skipMs = 0;
    const member = (n: number) => ({ type: 'sync.user', payload: { user: 'grp', n } });
    const res = await fetch(`${api()}/groups`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        tasks: [member(1), member(2), member(3)],
        onComplete: { type: 'report.daily', payload: { day: 'grp' } },
      }),
    });
    expect(res.status).toBe(202);
    const { groupId } = (await res.json()) as { groupId: string };
    // Enqueued at one time, the members are ordered by id: the last one runs.
    const views = await Promise.all([0, 1, 2].map((i) => ended(`${groupId}.${i}`)));
    expect(views.map((v) => v.status)).toEqual(['CANCELLED', 'CANCELLED', 'SUCCEEDED']);
    const followUp = await pollUntil(
      () => task(`${groupId}.on-complete`),
      (t) => t.status === 'SUCCEEDED',
      { what: 'the group’s onComplete', timeoutMs: 30_000 },
    );
    expect(followUp.attempts).toBe(1);
    // Not at the members' deferrals: only once the last member ended.
    expect(Date.parse(followUp.createdAt)).toBeGreaterThanOrEqual(
      Date.parse(views[2]!.finishedAt!),
    );
  }, 60_000);
});
