import { DeleteMessageCommand } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { DynamoGroupStore } from '../../../functions/adapters/dynamodb/DynamoGroupStore.js';
import { SqsQueue } from '../../../functions/adapters/sqs/SqsQueue.js';
import type { Envelope } from '../../../functions/core/envelope.js';
import { createRegistry } from '../../../functions/core/registry.js';
import { RequestValidationError } from '../../../functions/core/service/errors.js';
import { defineTask } from '../../../functions/core/task.js';
import { GroupService } from '../../../functions/core/workflow/GroupService.js';
import type { GroupStore } from '../../../functions/core/workflow/types.js';
import { callbackId, memberId, nextStepId } from '../../../functions/core/workflow/workflowIds.js';
import { httpPost } from '../../../functions/tasks/httpPost.js';
import { entryLogger } from '../../helpers/admissionFakes.js';
import { type Backend, backendFactories, uniqueName } from '../../helpers/backends.js';
import {
  buildConsumer,
  deliver,
  envelope,
  type Pipeline,
  receiveEvent,
  send,
  silentLogger,
} from '../../helpers/consumerHarness.js';
import { crashOnce } from '../../helpers/crashOnce.js';
import { useGroupPipeline } from '../../helpers/groupPipeline.js';
import { testRegistry } from '../../helpers/testTasks.js';

const callback = { url: 'https://example.com/hooks/groups', secretName: 'app/callbacks/key' };
const registry = createRegistry([
  ...testRegistry.definitions,
  httpPost,
  defineTask({
    type: 'test.group-callback',
    schema: z.object({}),
    handler: async (_payload, ctx) => ({
      groupId: await ctx.group(
        [
          { type: 'test.ok', payload: { n: 1 } },
          { type: 'test.ok', payload: { n: 2 } },
        ],
        { callback },
      ),
    }),
  }),
]);

/** Counts the GetItem requests a client makes from now on. */
function countReads(backend: Backend) {
  const counter = { reads: 0 };
  backend.dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'GetItemCommand') counter.reads++;
      return next(args);
    },
    { step: 'initialize', name: `reads-${uniqueName('mw')}` },
  );
  return counter;
}

// A group's callback (docs/callbacks.md): one signed summary, enqueued once at the fan-in,
// on each backend.
describe.each(backendFactories)('group callbacks on $name', (factory) => {
  const test = it.skipIf(factory.skipReason !== undefined);
  const suite = useGroupPipeline(factory);
  let backend: Backend;
  let p: Pipeline;
  let groups: DynamoGroupStore;
  beforeAll(() => {
    ({ backend, p, groups } = suite);
  });

  const service = (
    store: GroupStore = groups,
    options: { prefix?: string; secretRequired?: boolean } = {},
  ) =>
    new GroupService({
      registry,
      store: p.store,
      groups: store,
      queue: new SqsQueue(backend.sqs),
      routes: [p.standard.route],
      logger: silentLogger,
      clock: { now: () => Date.now() },
      ...(options.prefix ? { callbackSecretPrefix: options.prefix } : {}),
      ...(options.secretRequired === false ? { callbackSecretRequired: false } : {}),
    });

  /** Every message on the queue now, parsed; none left behind for the next test. */
  /** Runs one task through the consumer; the reads its invocation made, and what it sent. */
  async function runCountingReads(task: Envelope): Promise<{ reads: number; sent: Envelope[] }> {
    await send(backend.sqs, p.standard, task);
    const consumer = buildConsumer(p, registry, { groups });
    const event = await receiveEvent(p, p.standard, 1);
    const counter = countReads(backend);
    await consumer.invoke(event);
    const reads = counter.reads;
    return { reads, sent: await drain() };
  }

  async function drain(patient = false): Promise<Envelope[]> {
    // Told to wait, a busy backend gets a few more polls to show what it holds; up to 10 are
    // taken either way, so a message too many still shows.
    const event = await receiveEvent(p, p.standard, 10, 1, patient ? 3 : 1);
    // Deleted unrun: a POST to example.com is no part of these tests.
    for (const record of event.Records) {
      await backend.sqs.send(
        new DeleteMessageCommand({ QueueUrl: p.standard.url, ReceiptHandle: record.receiptHandle }),
      );
    }
    return event.Records.map((r) => JSON.parse(r.body) as Envelope);
  }

  test('a sealed group with failures sends one summary, without follow-ups', async () => {
    const created = await service().create({
      tasks: [
        { type: 'test.ok', payload: { n: 1 } },
        { type: 'test.permanent', payload: {} },
        { type: 'test.ok', payload: { n: 3 } },
      ],
      callback,
    });
    const groupId = created.group.id;
    expect(created.group.callback).toEqual(callback);
    const consumer = buildConsumer(p, registry, { groups });
    await deliver(p, p.standard, consumer, { count: 3 });

    const sent = await drain();
    expect(sent.map((e) => e.id)).toEqual([callbackId(groupId)]);
    const [post] = sent;
    expect(post?.type).toBe('http.post');
    expect(post?.payload).toEqual({
      url: callback.url,
      sign: { secretName: callback.secretName },
      body: {
        kind: 'group',
        groupId,
        status: 'COMPLETED_WITH_FAILURES',
        total: 3,
        succeeded: 2,
        failed: 1,
        failedIds: [memberId(groupId, 1)],
        finishedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    });
    const view = await service().describe(groupId);
    expect(view.callback).toEqual({ taskId: callbackId(groupId), enqueued: true });
  });

  test('an open group sends its summary after the seal, with its follow-up, once', async () => {
    // Locally a callback may name no secret: the development key signs it.
    const svc = service(groups, { secretRequired: false });
    const opened = await svc.create({
      tasks: [{ type: 'test.ok', payload: { n: 1 } }],
      onComplete: { type: 'test.fanin', payload: {} },
      callback: { url: callback.url },
      seal: false,
    });
    const groupId = opened.group.id;
    // No secret named: none is kept, not even as an empty one.
    expect((await groups.get(groupId))?.callback).toStrictEqual({ url: callback.url });
    await svc.add(groupId, { offset: 1, tasks: [{ type: 'test.ok', payload: { n: 2 } }] });
    const consumer = buildConsumer(p, registry, { groups });
    const ended = await deliver(p, p.standard, consumer, { count: 2 });
    // Both ended before the seal: nothing fires yet.
    expect(await drain()).toEqual([]);

    await svc.seal(groupId, { total: 2 });
    // A repeated seal and redelivered members replay the path and send nothing more.
    await svc.seal(groupId, { total: 2 });
    await consumer.invoke(ended.event);
    const sent = await drain();
    expect(sent.map((e) => e.id).sort()).toEqual(
      [callbackId(groupId), `${groupId}.on-complete`].sort(),
    );
    const post = sent.find((e) => e.id === callbackId(groupId));
    expect(post?.payload).toMatchObject({
      url: callback.url,
      sign: {},
      body: { status: 'SUCCEEDED', total: 2, succeeded: 2, failed: 0, failedIds: [] },
    });
  });

  test('a group without a callback sends none and shows none', async () => {
    const created = await service().create({
      tasks: [{ type: 'test.ok', payload: { n: 1 } }],
      onComplete: { type: 'test.fanin', payload: {} },
    });
    const groupId = created.group.id;
    expect(created.group).not.toHaveProperty('callback');
    await deliver(p, p.standard, buildConsumer(p, registry, { groups }), { count: 1 });
    expect((await drain()).map((e) => e.id)).toEqual([`${groupId}.on-complete`]);
    expect(await groups.get(groupId)).not.toHaveProperty('callback');
    expect(await service().describe(groupId)).not.toHaveProperty('callback');
  });

  test("a handler's ctx.group carries its callback to the fan-in", async () => {
    await send(backend.sqs, p.standard, envelope('test.group-callback', {}));
    const consumer = buildConsumer(p, registry, { groups });
    await deliver(p, p.standard, consumer, { count: 1 });
    await deliver(p, p.standard, consumer, { count: 2, emptyPolls: 5 });
    const sent = await drain(true);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.payload).toMatchObject({
      url: callback.url,
      body: { kind: 'group', status: 'SUCCEEDED', total: 2, succeeded: 2 },
    });
  });

  test('a crash after the send repeats it with the same id and the same body', async () => {
    const crashing = crashOnce(groups, 'markFanInSent');
    const svc = service(crashing);
    const created = await svc.create({ tasks: [], seal: false, callback });
    const groupId = created.group.id;
    await expect(svc.seal(groupId, { total: 0 })).rejects.toThrow(/crash before markFanInSent/);
    await svc.seal(groupId, { total: 0 });

    const sent = await drain();
    // Two messages, one task: the second's claim finds the first's row and drops it.
    expect(sent.map((e) => e.id)).toEqual([callbackId(groupId), callbackId(groupId)]);
    expect(sent[1]?.payload).toEqual(sent[0]?.payload);
    expect(sent[0]?.payload).toMatchObject({ body: { status: 'SUCCEEDED', total: 0 } });
  });

  test('a bad callback refuses the group with a 400 that says what is allowed; nothing is made', async () => {
    const refused = async (body: unknown, svc = service()) => {
      const error = await svc.create(body).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RequestValidationError);
      return JSON.stringify((error as RequestValidationError).details);
    };
    const tasks = [{ type: 'test.ok', payload: { n: 1 } }];
    expect(await refused({ tasks, callback: { url: 'ftp://example.com/x' } })).toContain(
      'must be an http:// or https:// URL',
    );
    expect(await refused({ tasks, callback: { url: 'https://u:p@example.com/' } })).toContain(
      'must not embed credentials',
    );
    expect(await refused({ tasks, callback: { url: callback.url } })).toContain(
      'is required on AWS',
    );
    const prefixed = service(groups, { prefix: 'taskpipe/callbacks/' });
    expect(await refused({ tasks, callback }, prefixed)).toContain(
      'must start with \\"taskpipe/callbacks/\\"',
    );
    expect(await drain()).toEqual([]);
  });

  test('a chain step with a callback sends both from the row its end wrote, with no read of it', async () => {
    const step = envelope(
      'test.ok',
      { n: 1 },
      {
        next: [
          { type: 'test.ok', payload: { n: 2 } },
          { type: 'test.ok', payload: { n: 3 } },
        ],
        callback: { url: callback.url },
      },
    );
    const { reads, sent } = await runCountingReads(step);

    expect(sent.map((e) => e.id).sort()).toEqual([callbackId(step.id), nextStepId(step.id)].sort());
    expect(sent.find((e) => e.id === nextStepId(step.id))?.next).toEqual([
      { type: 'test.ok', payload: { n: 3 } },
    ]);
    expect(sent.find((e) => e.id === callbackId(step.id))?.payload).toMatchObject({
      url: callback.url,
      body: {
        kind: 'task',
        taskId: step.id,
        status: 'SUCCEEDED',
        attempts: 1,
        result: { doubled: 2, attempt: 1 },
      },
    });
    expect(reads).toBe(0);
  });

  test('a task that keeps no row on success (tracking failures) still calls back, with its result', async () => {
    const task = envelope('test.untracked', {}, { callback: { url: callback.url } });
    await send(backend.sqs, p.standard, task);
    const consumer = buildConsumer(p, registry, { groups });
    await consumer.invoke(await receiveEvent(p, p.standard, 1));

    const sent = await drain();
    expect(sent.map((e) => e.id)).toEqual([callbackId(task.id)]);
    expect(sent[0]?.payload).toMatchObject({
      body: {
        kind: 'task',
        taskId: task.id,
        type: 'test.untracked',
        status: 'SUCCEEDED',
        attempts: 1,
        result: { attempt: 1 },
      },
    });
    expect(await p.store.get(task.id)).toBeUndefined();
  });

  test("a failed task's callback reads its row once and says why it failed", async () => {
    const task = envelope(
      'test.permanent',
      {},
      { next: [{ type: 'test.ok', payload: { n: 2 } }], callback: { url: callback.url } },
    );
    const { reads, sent } = await runCountingReads(task);

    expect(sent.map((e) => e.id)).toEqual([callbackId(task.id)]);
    expect(sent[0]?.payload).toMatchObject({
      body: {
        kind: 'task',
        taskId: task.id,
        status: 'FAILED',
        error: { message: 'recipient does not exist' },
      },
    });
    expect(reads).toBe(1);
  });

  test('a task with a callback and no next step sends the callback alone, with no error', async () => {
    const task = envelope('test.ok', { n: 1 }, { callback: { url: callback.url } });
    await send(backend.sqs, p.standard, task);
    const logger = entryLogger();
    const consumer = buildConsumer(p, registry, { groups, logger });

    await consumer.invoke(await receiveEvent(p, p.standard, 1));

    expect((await drain()).map((e) => e.id)).toEqual([callbackId(task.id)]);
    expect(logger.entries.filter((e) => e.level === 'error')).toEqual([]);
  });

  test('a task that will retry sends no callback yet', async () => {
    const task = envelope('test.flaky', { failTimes: 1 }, { callback: { url: callback.url } });
    await send(backend.sqs, p.standard, task);
    const consumer = buildConsumer(p, registry, { groups });
    const event = await receiveEvent(p, p.standard, 1);

    await consumer.invoke(event);
    const sent = await drain();
    // The retry would come back after its backoff: not in the next test's queue.
    await backend.sqs.send(
      new DeleteMessageCommand({
        QueueUrl: p.standard.url,
        ReceiptHandle: event.Records[0]?.receiptHandle,
      }),
    );

    expect(sent.map((e) => e.id)).not.toContain(callbackId(task.id));
  });

  test('a chain whose next step is no longer valid stops there, and says so', async () => {
    const step = envelope('test.ok', { n: 1 }, { next: [{ type: 'test.gone', payload: {} }] });
    await send(backend.sqs, p.standard, step);
    const logger = entryLogger();
    const consumer = buildConsumer(p, registry, { groups, logger });

    const response = await consumer.invoke(await receiveEvent(p, p.standard, 1));

    expect(response.batchItemFailures).toEqual([]);
    expect((await drain()).map((e) => e.id)).not.toContain(nextStepId(step.id));
    expect(logger.entries.filter((e) => e.level === 'error')).toEqual([
      {
        level: 'error',
        message: 'chain stopped: its next step is not valid',
        fields: [
          { traceId: expect.any(String) },
          {
            taskId: step.id,
            type: 'test.gone',
            error: {
              name: 'UnknownTaskTypeError',
              message: expect.stringContaining('unknown task type "test.gone"'),
            },
          },
        ],
      },
    ]);
  });
});
