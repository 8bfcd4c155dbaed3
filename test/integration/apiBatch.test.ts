import { beforeAll, beforeEach, expect, it } from 'vitest';
import { apiEvent } from '../helpers/apiEvents.js';
import { buildApi, taskCount } from '../helpers/apiHarness.js';
import type { Backend } from '../helpers/backends.js';
import { createPipeline, depth, type Pipeline, receiveEvent } from '../helpers/consumerHarness.js';
import { describeOnEachBackend } from '../helpers/eachBackend.js';
import { batchFaultClient } from '../helpers/sqsFaults.js';
import { testRegistry } from '../helpers/testTasks.js';

describeOnEachBackend('POST /tasks/batch', (current) => {
  let backend: Backend;
  let p: Pipeline;

  beforeAll(async () => {
    backend = current();
  });
  beforeEach(async () => {
    p = await createPipeline(backend);
  });

  const batch = (tasks: unknown) => apiEvent('POST', '/tasks/batch', { body: { tasks } });
  const okTasks = (count: number) =>
    Array.from({ length: count }, (_, n) => ({ type: 'test.ok', payload: { n } }));

  /** The ids of the envelopes on the standard queue (receives them all). */
  async function queuedIds(count: number): Promise<string[]> {
    const event = await receiveEvent(p, p.standard, count);
    return event.Records.map((r) => JSON.parse(r.body).id as string);
  }

  it('sends 23 tasks in calls of ten and answers one result per entry', async () => {
    const faults = batchFaultClient(backend, () => 0);
    const api = buildApi(p, testRegistry, { sqs: faults.client });

    const res = await api.call(batch(okTasks(23)));

    expect(res.status).toBe(200);
    expect(faults.calls).toEqual([10, 10, 3]);
    expect(res.body.results).toHaveLength(23);
    expect(res.body.results.map((r: { index: number }) => r.index)).toEqual([...Array(23).keys()]);
    expect(res.body.results.every((r: { status: string }) => r.status === 'QUEUED')).toBe(true);
    const ids = res.body.results.map((r: { taskId: string }) => r.taskId);
    expect((await queuedIds(23)).sort()).toEqual([...ids].sort());
    expect(await taskCount(p)).toBe(23);
  });

  it('reports invalid entries one by one and enqueues the rest', async () => {
    const api = buildApi(p, testRegistry);
    const existing = await api.call(
      apiEvent('POST', '/tasks', {
        body: { type: 'test.ok', payload: { n: 0 }, idempotencyKey: 'k1' },
      }),
    );
    await queuedIds(1);

    const res = await api.call(
      batch([
        { type: 'test.ok', payload: { n: 1 } },
        { type: 'test.ok', payload: { n: 'one' } },
        { type: '<b>nope</b>', payload: {} },
        { type: 'test.ok', payload: { n: 0 }, idempotencyKey: 'k1' },
        { type: 'test.ok', payload: { n: 2 }, priority: 'fifo' },
        'not an object',
      ]),
    );

    const [ok, invalid, unknown, dedup, fifo, notObject] = res.body.results;
    expect(ok).toEqual({ index: 0, taskId: expect.any(String), status: 'QUEUED' });
    expect(invalid).toMatchObject({ index: 1, error: { code: 'invalid_payload' } });
    expect(invalid.error.details.issues[0].path).toEqual(['n']);
    expect(unknown).toMatchObject({ index: 2, error: { code: 'unknown_type' } });
    expect(JSON.stringify(unknown)).not.toContain('<b>');
    expect(dedup).toEqual({
      index: 3,
      taskId: existing.body.taskId,
      status: 'QUEUED',
      deduplicated: true,
    });
    expect(fifo).toMatchObject({ index: 4, status: 'QUEUED' });
    expect(notObject).toMatchObject({ index: 5, error: { code: 'invalid_request' } });
    expect(await queuedIds(2)).toEqual([ok.taskId]);
    expect(await depth(backend.sqs, p.fifo.url)).toMatchObject({ visible: 1 });
    expect(await taskCount(p)).toBe(3);
  });

  it('sends a key repeated within one batch once', async () => {
    const api = buildApi(p, testRegistry);
    const keyed = { type: 'test.ok', payload: { n: 3 }, idempotencyKey: 'same' };

    const res = await api.call(batch([keyed, ...okTasks(1), keyed]));

    const [first, , repeat] = res.body.results;
    expect(first).toEqual({ index: 0, taskId: expect.stringMatching(/^idem-/), status: 'QUEUED' });
    expect(repeat).toEqual({ ...first, index: 2, deduplicated: true });
    expect((await queuedIds(3)).filter((id) => id === first.taskId)).toHaveLength(1);
    expect(await taskCount(p)).toBe(2);
  });

  it.each([
    ['more than 500 tasks', { tasks: okTasks(501) }],
    ['no tasks', { tasks: [] }],
    ['no tasks field', { task: okTasks(1) }],
  ])('answers 400 for %s and enqueues nothing', async (_label, body) => {
    const api = buildApi(p, testRegistry);

    const res = await api.call(apiEvent('POST', '/tasks/batch', { body }));

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.details.issues.length).toBeGreaterThan(0);
    expect(await depth(backend.sqs, p.standard.url)).toEqual({ visible: 0, inFlight: 0 });
    expect(await taskCount(p)).toBe(0);
  });

  it('retries an entry SQS failed in a 200 answer until it is sent', async () => {
    const tasks = okTasks(12);
    const faults = batchFaultClient(backend, (e) => (e.payload.n === 7 ? 2 : 0));
    const api = buildApi(p, testRegistry, { sqs: faults.client });

    const res = await api.call(batch(tasks));

    const victim = res.body.results[7].taskId;
    expect(faults.failures.get(victim)).toBe(2);
    expect(faults.calls).toEqual([10, 2, 1, 1]);
    expect(api.waits).toHaveLength(2);
    expect(res.body.results[7]).toEqual({ index: 7, taskId: victim, status: 'QUEUED' });
    const ids = await queuedIds(12);
    expect(ids.filter((id) => id === victim)).toHaveLength(1);
    expect(ids).toHaveLength(12);
  });

  it('reports an entry that keeps failing, rolls its row back and sends the rest', async () => {
    const faults = batchFaultClient(backend, (e) => (e.id.startsWith('idem-') ? Infinity : 0));
    const api = buildApi(p, testRegistry, { sqs: faults.client });
    const doomedTask = { type: 'test.ok', payload: { n: 9 }, idempotencyKey: 'doomed' };
    const tasks = [...okTasks(3), doomedTask, doomedTask];

    const res = await api.call(batch(tasks));

    const doomed = res.body.results[3];
    expect(doomed).toMatchObject({ index: 3, taskId: expect.stringMatching(/^idem-/) });
    expect(doomed.error.code).toBe('enqueue_failed');
    expect(doomed.error.message).toContain(
      'not sent after 4 attempt(s) (InternalError: injected failure)',
    );
    expect(faults.failures.get(doomed.taskId)).toBe(4);
    expect(res.body.results[4]).toEqual({ ...doomed, index: 4 });
    expect(res.body.results.slice(0, 3).map((r: { status: string }) => r.status)).toEqual([
      'QUEUED',
      'QUEUED',
      'QUEUED',
    ]);
    expect(await p.store.get(doomed.taskId)).toBeUndefined();
    expect(await queuedIds(5)).toHaveLength(3);
    expect(await taskCount(p)).toBe(3);
  });

  it('reports a payload over the limit for that entry only', async () => {
    const api = buildApi(p, testRegistry, { maxPayloadBytes: 1_024 });

    const res = await api.call(
      batch([{ type: 'test.ok', payload: { n: 1, pad: 'x'.repeat(2_000) } }, ...okTasks(1)]),
    );

    expect(res.body.results[0].error).toMatchObject({
      code: 'payload_too_large',
      details: { limitBytes: 1_024 },
    });
    expect(res.body.results[1].status).toBe('QUEUED');
  });
});
