import { beforeAll, beforeEach, expect, it } from 'vitest';
import { TASK_TYPE_PATTERN } from '../../functions/core/envelope.js';
import { apiEvent } from '../helpers/apiEvents.js';
import { buildApi, recordingLogger, taskCount } from '../helpers/apiHarness.js';
import type { Backend } from '../helpers/backends.js';
import {
  createPipeline,
  depth,
  type Pipeline,
  rawItem,
  receive,
} from '../helpers/consumerHarness.js';
import { describeOnEachBackend } from '../helpers/eachBackend.js';
import { testRegistry } from '../helpers/testTasks.js';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

describeOnEachBackend('POST /tasks', (current) => {
  let backend: Backend;
  let p: Pipeline;

  beforeAll(async () => {
    backend = current();
  });
  beforeEach(async () => {
    p = await createPipeline(backend);
  });

  const post = (body: unknown, options: Parameters<typeof apiEvent>[2] = {}) =>
    apiEvent('POST', '/tasks', { body, ...options });

  /** Nothing was enqueued and no status row was written. */
  async function expectNothingEnqueued() {
    expect(await depth(backend.sqs, p.standard.url)).toEqual({ visible: 0, inFlight: 0 });
    expect(await taskCount(p)).toBe(0);
  }

  it('records a QUEUED task, sends its envelope and answers 202', async () => {
    const api = buildApi(p, testRegistry);

    const res = await api.call(post({ type: 'test.ok', payload: { n: 2 }, maxAttempts: 3 }));

    expect(res.status).toBe(202);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body).toEqual({
      taskId: expect.stringMatching(ULID),
      status: 'QUEUED',
      statusUrl: `/tasks/${res.body.taskId}`,
    });
    const [message] = await receive(backend.sqs, p.standard.url);
    expect(JSON.parse(message?.Body ?? '{}')).toEqual({
      v: 1,
      id: res.body.taskId,
      type: 'test.ok',
      payload: { n: 2 },
      priority: 'default',
      enqueuedAt: expect.any(String),
      maxAttempts: 3,
      // The request's trace, which the response names too.
      traceparent: res.headers.traceparent,
    });
    expect(await p.store.get(res.body.taskId)).toMatchObject({
      status: 'QUEUED',
      attempts: 0,
      maxAttempts: 3,
    });
  });

  it('takes a base64 body on a named stage and links the status under the stage', async () => {
    const api = buildApi(p, testRegistry);
    const event = post(
      { type: 'test.ok', payload: { n: 1 } },
      {
        stage: 'prod',
        base64: true,
        routeKey: 'POST /tasks',
        contentType: 'application/json; charset=utf-8',
      },
    );

    const res = await api.call(event);

    expect(res.status).toBe(202);
    expect(res.body.statusUrl).toBe(`/prod/tasks/${res.body.taskId}`);
  });

  it('answers a repeated idempotency key with the existing task and sends once', async () => {
    const api = buildApi(p, testRegistry);
    const body = { type: 'test.ok', payload: { n: 5 }, idempotencyKey: 'order-42' };

    const first = await api.call(post(body));
    const second = await api.call(post(body));

    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({
      taskId: first.body.taskId,
      status: 'QUEUED',
      deduplicated: true,
      task: { id: first.body.taskId, type: 'test.ok', attempts: 0 },
    });
    expect(first.body.taskId).toMatch(/^idem-/);
    const messages = await receive(backend.sqs, p.standard.url);
    expect(messages).toHaveLength(1);
    expect(JSON.parse(messages[0]?.Body ?? '{}').idempotencyKey).toBe('order-42');
  });

  it('refuses a maxAttempts above what the queue redrive allows, naming the limit', async () => {
    const api = buildApi(p, testRegistry);

    const refused = await api.call(post({ type: 'test.ok', payload: { n: 1 }, maxAttempts: 50 }));
    const allowed = await api.call(post({ type: 'test.ok', payload: { n: 1 }, maxAttempts: 5 }));

    expect(testRegistry.largestMaxAttempts).toBe(5);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/maxAttempts: 50 is more than 5.*maxReceiveCount/);
    expect(allowed.status).toBe(202);
    const messages = await receive(backend.sqs, p.standard.url);
    expect(messages.map((m) => JSON.parse(m.Body ?? '{}').maxAttempts)).toEqual([5]);
  });

  it('answers 409 naming the task when an idempotency key comes with another payload', async () => {
    const api = buildApi(p, testRegistry);
    const request = { type: 'test.ok', idempotencyKey: 'order-7' };

    const first = await api.call(post({ ...request, payload: { n: 1 } }));
    const again = await api.call(post({ ...request, payload: { n: 1 } }));
    const other = await api.call(post({ ...request, payload: { n: 2 } }));

    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(other.status).toBe(409);
    expect(other.body.error).toMatchObject({
      code: 'idempotency_conflict',
      details: { taskId: first.body.taskId },
    });
    expect(other.body.error.message).toContain(first.body.taskId);
    expect(await receive(backend.sqs, p.standard.url)).toHaveLength(1);
  });

  it('stores the delayed start and sends a FIFO task with its group', async () => {
    const api = buildApi(p, testRegistry);

    const delayed = await api.call(post({ type: 'test.ok', payload: { n: 1 }, delaySeconds: 30 }));
    const fifo = await api.call(post({ type: 'test.ok', payload: { n: 1 }, priority: 'fifo' }));

    expect(delayed.status).toBe(202);
    const item = (await rawItem(p, delayed.body.taskId)) as Record<string, { N: string }>;
    expect(Number(item.nextAttemptAt?.N)).toBe(Number(item.enqueuedAt?.N) + 30_000);
    expect(fifo.status).toBe(202);
    const [message] = await receive(backend.sqs, p.fifo.url);
    expect(message?.Attributes?.MessageGroupId).toBe(fifo.body.taskId);
  });

  it.each([-1, 901, 1.5, '5'])('refuses delaySeconds %s with the issue path', async (delay) => {
    const api = buildApi(p, testRegistry);

    const res = await api.call(post({ type: 'test.ok', payload: { n: 1 }, delaySeconds: delay }));

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.details.issues).toEqual([
      expect.objectContaining({ path: ['delaySeconds'] }),
    ]);
    await expectNothingEnqueued();
  });

  it('refuses a delay on a FIFO queue, an unknown priority and unknown fields', async () => {
    const api = buildApi(p, testRegistry);
    const ok = { type: 'test.ok', payload: { n: 1 } };

    const fifoDelay = await api.call(post({ ...ok, priority: 'fifo', delaySeconds: 5 }));
    const priority = await api.call(post({ ...ok, priority: 'urgent' }));
    const extra = await api.call(post({ ...ok, colour: 'red' }));
    const missing = await api.call(post({ payload: {} }));

    expect(fifoDelay.body.error.details.issues[0].path).toEqual(['delaySeconds']);
    expect(priority.body.error).toMatchObject({
      code: 'unknown_priority',
      details: { knownPriorities: ['default', 'fifo'] },
    });
    expect(extra.body.error.code).toBe('invalid_request');
    expect(missing.body.error.details.issues[0].path).toEqual(['type']);
    expect([fifoDelay, priority, extra, missing].map((r) => r.status)).toEqual([
      400, 400, 400, 400,
    ]);
    await expectNothingEnqueued();
  });

  it('refuses a payload that fails its schema, listing the issues', async () => {
    const api = buildApi(p, testRegistry);

    const res = await api.call(post({ type: 'test.ok', payload: { n: 'two' } }));

    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'invalid_payload',
      details: { issues: [expect.objectContaining({ path: ['n'] })] },
    });
    await expectNothingEnqueued();
  });

  it('refuses an unknown type, naming the known ones', async () => {
    const api = buildApi(p, testRegistry);

    const res = await api.call(post({ type: 'mail.send', payload: {} }));

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('unknown_type');
    expect(res.body.error.message).toContain('"mail.send"');
    expect(res.body.error.message).toContain('test.ok');
    expect(res.body.error.details.knownTypes).toEqual(testRegistry.types);
    await expectNothingEnqueued();
  });

  const hostile = [
    '../../etc/passwd',
    '<script>alert(1)</script>',
    'a\u0000b\r\nc',
    'x'.repeat(65),
    'Test.OK',
  ];

  it.each(hostile)('refuses the hostile type %j without echoing it', async (type) => {
    const logger = recordingLogger();
    const api = buildApi(p, testRegistry, { logger });

    const res = await api.call(post({ type, payload: {} }));

    expect(TASK_TYPE_PATTERN.test(type)).toBe(false);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('unknown_type');
    expect(JSON.stringify(res.body)).not.toContain(JSON.stringify(type).slice(1, -1));
    expect(logger.lines.join('\n')).not.toContain(JSON.stringify(type).slice(1, -1));
    await expectNothingEnqueued();
  });
});
