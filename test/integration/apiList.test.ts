import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoTaskStore } from '../../functions/adapters/dynamodb/DynamoTaskStore.js';
import { newTaskId } from '../../functions/core/ids.js';
import type { FinishOutcome } from '../../functions/core/ports.js';
import { apiEvent } from '../helpers/apiEvents.js';
import { type ApiUnderTest, buildApi } from '../helpers/apiHarness.js';
import { type Backend, backendFactories } from '../helpers/backends.js';
import { createPipeline, type Pipeline } from '../helpers/consumerHarness.js';
import { testRegistry } from '../helpers/testTasks.js';

const failed: FinishOutcome = { status: 'FAILED', error: { code: 'permanent', message: 'no' } };

describe.each(backendFactories)('GET /tasks on $name', ({ name, start, skipReason }) => {
  if (skipReason) console.warn(`skipping the list suite on ${name}: ${skipReason}`);
  const test = it.skipIf(skipReason !== undefined);
  let backend: Backend;
  let p: Pipeline;
  let api: ApiUnderTest;
  /** Every seeded failure, newest first (ties broken by id, descending). */
  let failures: { id: string; type: string; at: number }[] = [];
  let succeeded: string;

  /** Runs a task to its end at time `at`, with a clock that stands still there. */
  async function finished(type: string, at: number, outcome: FinishOutcome): Promise<string> {
    const store = new DynamoTaskStore({
      client: backend.dynamodb,
      tableName: p.tableName,
      clock: { now: () => at },
    });
    const id = newTaskId();
    const task = { id, type, priority: 'default', maxAttempts: 1, enqueuedAt: at };
    await store.claim({ ...task, leaseUntil: at + 60_000 });
    await store.finish(id, 1, outcome);
    return id;
  }

  beforeAll(async () => {
    if (skipReason) return;
    backend = await start();
    p = await createPipeline(backend);
    api = buildApi(p, testRegistry);
    const base = Date.now() - 60_000;
    // Two types, with failures at the same millisecond within a type and across types.
    const plan: [string, number][] = [
      ['test.permanent', 1],
      ['test.permanent', 2],
      ['test.permanent', 4],
      ['test.permanent', 4],
      ['test.permanent', 5],
      ['test.always', 2],
      ['test.always', 4],
      ['test.always', 6],
    ];
    for (const [type, offset] of plan) {
      failures.push({ id: await finished(type, base + offset, failed), type, at: base + offset });
    }
    failures = failures.sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1));
    succeeded = await finished('test.permanent', base + 3, { status: 'SUCCEEDED', result: 1 });
  });
  afterAll(async () => backend?.stop());

  const list = (query: Record<string, string>) => api.call(apiEvent('GET', '/tasks', { query }));

  /** Follows nextCursor to the end; returns each page's ids. */
  async function allPages(query: Record<string, string>): Promise<string[][]> {
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const res = await list({ ...query, ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      pages.push(res.body.tasks.map((t: { id: string }) => t.id));
      cursor = res.body.nextCursor;
      expect(cursor === undefined || /^[A-Za-z0-9_-]+$/.test(cursor)).toBe(true);
    } while (cursor && pages.length < 20);
    return pages;
  }

  test("lists one type's failures from the index, newest first, page by page", async () => {
    const pages = await allPages({ status: 'FAILED', type: 'test.permanent', limit: '2' });

    const expected = failures.filter((f) => f.type === 'test.permanent').map((f) => f.id);
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual(expected);
  });

  test("merges every registered type's failures by failure time", async () => {
    const pages = await allPages({ status: 'FAILED', limit: '3' });

    expect(pages.map((page) => page.length)).toEqual([3, 3, 2]);
    expect(pages.flat()).toEqual(failures.map((f) => f.id));
  });

  test('shows failed tasks with their error', async () => {
    const res = await list({ status: 'FAILED', type: 'test.always', limit: '1' });

    expect(res.body.tasks).toEqual([
      expect.objectContaining({ status: 'FAILED', type: 'test.always', lastError: failed.error }),
    ]);
  });

  test('filters other statuses and types with a scan, page by page', async () => {
    const bySucceeded = await allPages({ status: 'SUCCEEDED' });
    const byType = await allPages({ type: 'test.permanent', limit: '2' });

    expect(bySucceeded.flat()).toEqual([succeeded]);
    const permanent = [
      ...failures.filter((f) => f.type === 'test.permanent').map((f) => f.id),
      succeeded,
    ];
    expect(byType.flat().sort()).toEqual(permanent.sort());
    expect(byType.every((page) => page.length <= 2)).toBe(true);
  });

  test('refuses cursors it did not issue for the query', async () => {
    const permanentPage = await list({ status: 'FAILED', type: 'test.permanent', limit: '1' });
    const scanPage = await list({ type: 'test.permanent', limit: '1' });
    const forged = Buffer.from(JSON.stringify({ v: 2, f: {}, p: { id: 'x' } })).toString(
      'base64url',
    );

    const attempts: Record<string, string>[] = [
      { status: 'FAILED', cursor: 'not a cursor!' },
      { status: 'FAILED', cursor: forged },
      { status: 'FAILED', cursor: Buffer.from('{').toString('base64url') },
      { status: 'FAILED', type: 'test.always', cursor: permanentPage.body.nextCursor },
      { status: 'FAILED', type: 'test.permanent', cursor: scanPage.body.nextCursor },
    ];
    for (const query of attempts) {
      const res = await list(query);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_cursor');
    }
  });

  test('takes a status in any case, refuses a page over the limit and an unknown type', async () => {
    const [lower, large, unknown] = await Promise.all([
      list({ status: 'failed', type: 'test.always', limit: '1' }),
      list({ limit: '101' }),
      list({ type: 'test.nosuch' }),
    ]);

    expect(lower.status).toBe(200);
    expect(lower.body.tasks.map((t: { status: string }) => t.status)).toEqual(['FAILED']);
    expect(large.status).toBe(400);
    expect(large.body.error.message).toContain('limit: must be at most 100');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'unknown_type' });
    expect(unknown.body.error.message).toContain('known types: ');
  });

  test('refuses a bad status, limit or type without echoing it', async () => {
    const queries: Record<string, string>[] = [
      { status: 'DONE' },
      { limit: '0' },
      { limit: 'ten' },
      { type: '<script>x</script>' },
      { sort: 'asc' },
    ];

    for (const query of queries) {
      const res = await list(query);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(JSON.stringify(res.body)).not.toContain('<script>');
    }
  });
});
