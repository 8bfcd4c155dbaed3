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
  cancelReason?: string;
  supersededBy?: string;
}

const runs: string[] = [];
const registry = createRegistry([
  defineTask({
    type: 'sync.user',
    schema: z.object({ user: z.string(), n: z.number() }),
    // Two seconds leave room for five enqueues before the first task's window ends.
    debounce: { key: (p) => p.user, seconds: 2 },
    handler: (p, ctx) => {
      runs.push(ctx.taskId);
      return { n: p.n };
    },
  }),
]);

// Debounce through the local runtime as a user runs it: tasks enqueued through the HTTP
// API, delivered by the pollers, deferred by real delayed re-sends.
describe('debounce in the local runtime', () => {
  let pipeline: LocalPipeline;
  const api = () => pipeline.info.apiUrl!;
  const enqueue = async (payload: object) => {
    const res = await fetch(`${api()}/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'sync.user', payload }),
    });
    expect(res.status).toBe(202);
    return ((await res.json()) as { taskId: string }).taskId;
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
      logLevel: 'SILENT',
    });
  }, 120_000);
  afterAll(async () => pipeline?.stop());

  it('runs only the last of five tasks of one key; the others end debounced, unattempted', async () => {
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
});
