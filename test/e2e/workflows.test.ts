import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { RetryableError } from '../../functions/core/errors.js';
import { createRegistry } from '../../functions/core/registry.js';
import { defineTask } from '../../functions/core/task.js';
import type { FanInInfo } from '../../functions/core/workflow/types.js';
import { nextStepId } from '../../functions/core/workflow/workflowIds.js';
import { LocalPipeline } from '../../local/LocalPipeline.js';
import { pollUntil } from '../helpers/poll.js';

/** Handler runs, by task id: a step or follow-up that ran twice shows here. */
const runs = new Map<string, number>();
const ran = (id: string) => runs.set(id, (runs.get(id) ?? 0) + 1);
const fanIns: FanInInfo[] = [];
const failOnce = new Set<string>();

const member = defineTask({
  type: 'wf.member',
  schema: z.object({ n: z.number(), fail: z.boolean().optional() }),
  maxAttempts: 2,
  backoff: { baseMs: 10, capMs: 20 },
  handler: ({ n, fail }, ctx) => {
    ran(ctx.taskId);
    if (fail) throw new RetryableError(`member ${n} fails`);
    return { n };
  },
});
const report = defineTask({
  type: 'wf.report',
  schema: z.object({ label: z.string() }),
  handler: async (_payload, ctx) => {
    ran(ctx.taskId);
    const info = await ctx.fanIn();
    if (!info) throw new Error('a follow-up without its group');
    fanIns.push(info);
    const page = await info.members({ limit: 100 });
    const sum = page.members.reduce((s, m) => s + ((m.result as { n?: number })?.n ?? 0), 0);
    return { total: info.total, failed: info.failed, sum };
  },
});
const step = defineTask({
  type: 'wf.step',
  schema: z.object({ add: z.number() }),
  handler: async ({ add }, ctx) => {
    ran(ctx.taskId);
    const parent = await ctx.parent();
    const before = (parent?.result as { value?: number } | undefined)?.value ?? 0;
    return { value: before + add, parentId: parent?.id ?? null };
  },
});
const fanout = defineTask({
  type: 'wf.fanout',
  schema: z.object({ size: z.number() }),
  maxAttempts: 3,
  backoff: { baseMs: 10, capMs: 20 },
  handler: async ({ size }, ctx) => {
    ran(ctx.taskId);
    const groupId = await ctx.group(
      Array.from({ length: size }, (_, n) => ({ type: 'wf.member', payload: { n } })),
      { onComplete: { type: 'wf.report', payload: { label: 'inner' } } },
    );
    const child = await ctx.enqueue('wf.step', { add: 1 });
    // The first attempt fails after making its group and child: the retry must make none.
    if (!failOnce.has(ctx.taskId)) {
      failOnce.add(ctx.taskId);
      throw new RetryableError('fail after the fan-out');
    }
    return { groupId, child };
  },
});

// Groups and chains through the local runtime as a user drives it: HTTP API and handlers.
describe('workflows end to end', () => {
  let pipeline: LocalPipeline;
  let api: string;

  beforeAll(async () => {
    pipeline = await LocalPipeline.start({
      ports: { api: 0, sqs: 0, dynamodb: 0 },
      logLevel: 'SILENT',
      registry: createRegistry([member, report, step, fanout]),
    });
    api = pipeline.info.apiUrl!;
  });
  afterAll(async () => pipeline?.stop());

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${api}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const task = async (id: string) => (await call('GET', `/tasks/${id}`)).body;
  const untilStatus = (id: string, status: string) =>
    pollUntil(
      () => task(id),
      (t) => t.status === status,
      { what: `task ${id} ${status}`, timeoutMs: 30_000 },
    );

  it('runs a group, then its onComplete once, with counts, failed ids and results', async () => {
    const created = await call('POST', '/groups', {
      tasks: [
        ...Array.from({ length: 6 }, (_, n) => ({ type: 'wf.member', payload: { n } })),
        { type: 'wf.member', payload: { n: 100, fail: true } },
      ],
      onComplete: { type: 'wf.report', payload: { label: 'all' } },
      onSuccess: { type: 'wf.report', payload: { label: 'ok' } },
    });
    expect(created.status).toBe(202);
    const groupId = created.body.groupId as string;
    expect(created.body).toMatchObject({ state: 'SEALED', total: 7 });

    const done = await untilStatus(`${groupId}.on-complete`, 'SUCCEEDED');
    expect(done.result).toEqual({ total: 7, failed: 1, sum: 15 });
    const view = await pollUntil(
      () => call('GET', `/groups/${groupId}?limit=3`),
      (r) => r.body.followUps?.[0]?.enqueued === true,
      { what: 'group follow-up enqueued' },
    );
    expect(view.body).toMatchObject({
      counts: { ended: 7, succeeded: 6, failed: 1, pending: 0 },
      progress: 1,
      nextOffset: 3,
      followUps: [
        { on: 'complete', taskId: `${groupId}.on-complete`, enqueued: true },
        { on: 'success', taskId: `${groupId}.on-success`, enqueued: false },
      ],
    });
    expect(view.body.members).toHaveLength(3);
    expect(await task(`${groupId}.0`)).toMatchObject({ groupId, status: 'SUCCEEDED' });
    expect(fanIns.find((f) => f.groupId === groupId)?.failedIds).toEqual([`${groupId}.6`]);
    expect((await call('GET', `/tasks/${groupId}.on-success`)).status).toBe(404);
    expect(runs.get(`${groupId}.on-complete`)).toBe(1);
  });

  it('opens a group, adds tasks in parts, and fires only after the seal', async () => {
    const opened = await call('POST', '/groups', {
      seal: false,
      tasks: [{ type: 'wf.member', payload: { n: 1 } }],
      onSuccess: { type: 'wf.report', payload: { label: 'parts' } },
    });
    const groupId = opened.body.groupId as string;
    expect(opened.body).toMatchObject({ state: 'OPEN', added: 1 });
    const add = { offset: 1, tasks: [{ type: 'wf.member', payload: { n: 2 } }] };
    expect((await call('POST', `/groups/${groupId}/tasks`, add)).status).toBe(202);
    // The same part again adds nothing.
    expect((await call('POST', `/groups/${groupId}/tasks`, add)).body).toMatchObject({ added: 2 });
    await untilStatus(`${groupId}.1`, 'SUCCEEDED');
    await untilStatus(`${groupId}.0`, 'SUCCEEDED');
    expect((await call('GET', `/tasks/${groupId}.on-success`)).status).toBe(404);

    const wrong = await call('POST', `/groups/${groupId}/seal`, { total: 3 });
    expect(wrong.status).toBe(409);
    expect(wrong.body.error.message).toMatch(/2 tasks were added but the seal says 3/);
    expect((await call('POST', `/groups/${groupId}/seal`, { total: 2 })).status).toBe(200);
    const done = await untilStatus(`${groupId}.on-success`, 'SUCCEEDED');
    expect(done.result).toEqual({ total: 2, failed: 0, sum: 3 });
    const late = await call('POST', `/groups/${groupId}/tasks`, { offset: 2, tasks: add.tasks });
    expect(late.status).toBe(409);
  });

  it('refuses a group with a bad member or follow-up, and changes nothing', async () => {
    const bad = await call('POST', '/groups', {
      tasks: [{ type: 'wf.member', payload: { n: 'x' } }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/tasks\.0/);
    const badFollowUp = await call('POST', '/groups', {
      tasks: [{ type: 'wf.member', payload: { n: 1 } }],
      onComplete: { type: 'wf.nope', payload: {} },
    });
    expect(badFollowUp.status).toBe(400);
    expect((await call('GET', '/groups/nope')).status).toBe(404);
  });

  it('runs a chain step by step, each with the result before it', async () => {
    const first = await call('POST', '/tasks', {
      type: 'wf.step',
      payload: { add: 1 },
      next: [
        { type: 'wf.step', payload: { add: 10 } },
        { type: 'wf.step', payload: { add: 100 } },
      ],
    });
    expect(first.status).toBe(202);
    const second = nextStepId(first.body.taskId);
    const third = nextStepId(second);
    const last = await untilStatus(third, 'SUCCEEDED');
    expect(last.result).toEqual({ value: 111, parentId: second });
    expect(runs.get(second)).toBe(1);
    // Each step's view links to the step before it and the one after it.
    expect(await task(first.body.taskId)).toMatchObject({ nextId: second });
    expect((await task(first.body.taskId)).parentId).toBeUndefined();
    expect(await task(second)).toMatchObject({ parentId: first.body.taskId, nextId: third });
    expect(last).toMatchObject({ parentId: second });
    expect(last.nextId).toBeUndefined();
  });

  it('a chain whose first task is cancelled stops', async () => {
    const duplicates = pipeline.metrics.counts.get('wf.step:duplicate') ?? 0;
    const first = await call('POST', '/tasks', {
      type: 'wf.step',
      payload: { add: 1 },
      delaySeconds: 2,
      next: [{ type: 'wf.step', payload: { add: 10 } }],
    });
    expect((await call('POST', `/tasks/${first.body.taskId}/cancel`)).status).toBe(200);
    // The delayed message is delivered, found CANCELLED, and nothing follows it.
    await pipeline.metrics.reached('wf.step:duplicate', duplicates + 1);
    expect((await task(first.body.taskId)).status).toBe('CANCELLED');
    expect((await call('GET', `/tasks/${nextStepId(first.body.taskId)}`)).status).toBe(404);
    expect(runs.get(nextStepId(first.body.taskId))).toBeUndefined();
  });

  it('counts a cancelled member as failed: onComplete runs, onSuccess does not', async () => {
    const created = await call('POST', '/groups', {
      tasks: [
        { type: 'wf.member', payload: { n: 1 } },
        { type: 'wf.member', payload: { n: 2 }, delaySeconds: 2 },
      ],
      onComplete: { type: 'wf.report', payload: { label: 'all' } },
      onSuccess: { type: 'wf.report', payload: { label: 'ok' } },
    });
    const groupId = created.body.groupId as string;
    expect((await call('POST', `/tasks/${groupId}.1/cancel`)).status).toBe(200);
    const done = await untilStatus(`${groupId}.on-complete`, 'SUCCEEDED');
    expect(done.result).toEqual({ total: 2, failed: 1, sum: 1 });
    expect((await call('GET', `/tasks/${groupId}.on-success`)).status).toBe(404);
  });

  it('a retried handler makes no second group and no second child', async () => {
    const parent = await call('POST', '/tasks', { type: 'wf.fanout', payload: { size: 3 } });
    const done = await untilStatus(parent.body.taskId, 'SUCCEEDED');
    expect(done.attempts).toBe(2);
    const { groupId, child } = done.result as { groupId: string; child: string };
    const report = await untilStatus(`${groupId}.on-complete`, 'SUCCEEDED');
    expect(report.result).toMatchObject({ total: 3, failed: 0, sum: 3 });
    await untilStatus(child, 'SUCCEEDED');
    for (const n of [0, 1, 2]) expect(runs.get(`${groupId}.${n}`)).toBe(1);
    expect(runs.get(child)).toBe(1);
  });
});
