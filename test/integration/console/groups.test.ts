import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocal, type Target } from '../../../cli/target.js';
import { osUser } from '../../../console/server/actions/identity.js';
import { ConsoleServer } from '../../../console/server/ConsoleServer.js';
import type { Observations } from '../../../console/server/Observations.js';
import type { ErrorView, GroupDetailView } from '../../../console/shared/api.js';
import { newTaskId } from '../../../functions/core/ids.js';
import { followUpId, memberId } from '../../../functions/core/workflow/workflowIds.js';
import { registry } from '../../../functions/tasks/index.js';
import { backendFactories } from '../../helpers/backends.js';
import { buildConsumer, deliver } from '../../helpers/consumerHarness.js';
import { useGroupPipeline } from '../../helpers/groupPipeline.js';

const noop = { type: 'noop', payload: {} };

// The console's group read over HTTP, on each backend: the group is made and run as users
// make and run it (the CLI's GroupService, the consumer), and the console answers what
// `GET /groups/{id}` and `taskpipe group show` answer.
describe.each(backendFactories)('the console group read on $name', (factory) => {
  const test = it.skipIf(factory.skipReason !== undefined);
  const suite = useGroupPipeline(factory);
  let target: Target;
  let server: ConsoleServer;

  beforeAll(async () => {
    if (factory.skipReason) return;
    const { backend, p } = suite;
    target = openLocal({
      region: backend.region,
      sqsEndpoint: backend.sqsEndpoint,
      dynamodbEndpoint: backend.dynamodbEndpoint,
      tableName: p.tableName,
      queues: [p.standard.route, p.fifo.route],
      pid: process.pid,
      startedAt: new Date().toISOString(),
    });
    server = await ConsoleServer.start(
      { target, observations: {} as Observations },
      { port: 0, audit: { identity: osUser } },
    );
  });
  afterAll(async () => {
    await server?.close();
    target?.close();
  });

  async function read<T = GroupDetailView>(path: string): Promise<{ status: number; body: T }> {
    const response = await fetch(new URL(path, server.url));
    return { status: response.status, body: (await response.json()) as T };
  }

  const groupPath = (id: string, query = '') => `/api/groups/${encodeURIComponent(id)}${query}`;

  test('reads counts, progress and follow-ups before and after the members ran', async () => {
    const created = await target.groups.create({
      tasks: [noop, noop, noop],
      onComplete: noop,
      onSuccess: noop,
    });
    const id = created.group.id;

    const before = await read(groupPath(id));
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({
      groupId: id,
      state: 'SEALED',
      total: 3,
      counts: { ended: 0, succeeded: 0, failed: 0, pending: 3 },
      progress: 0,
    });
    expect(before.body.members.map((m) => [m.taskId, m.task?.status])).toEqual([
      [memberId(id, 0), 'QUEUED'],
      [memberId(id, 1), 'QUEUED'],
      [memberId(id, 2), 'QUEUED'],
    ]);
    expect(before.body.followUps).toEqual([
      { on: 'complete', taskId: followUpId(id, 'complete'), enqueued: false },
      { on: 'success', taskId: followUpId(id, 'success'), enqueued: false },
    ]);
    expect(before.body.nextCursor).toBeUndefined();

    // One member cancelled before it runs ends as failed: the group completes, not succeeds.
    await target.service.cancel(memberId(id, 1));
    const consumer = buildConsumer(suite.p, registry, { groups: suite.groups });
    const { event } = await deliver(suite.p, suite.p.standard, consumer, { count: 3 });
    expect(event.Records).toHaveLength(3);

    const after = await read(groupPath(id));
    expect(after.body.counts).toEqual({ ended: 3, succeeded: 2, failed: 1, pending: 0 });
    expect(after.body.progress).toBe(1);
    expect(after.body.members.map((m) => m.task?.status)).toEqual([
      'SUCCEEDED',
      'CANCELLED',
      'SUCCEEDED',
    ]);
    expect(after.body.members[0]?.task?.links).toEqual({ groupId: id });
    // The fan-in sent onComplete straight to its queue: its row exists once it is claimed.
    const onSuccess = { on: 'success', taskId: followUpId(id, 'success'), enqueued: false };
    expect(after.body.followUps).toEqual([
      { on: 'complete', taskId: followUpId(id, 'complete'), enqueued: true },
      onSuccess,
    ]);
    const ran = await deliver(suite.p, suite.p.standard, consumer, { count: 1 });
    expect(ran.event.Records).toHaveLength(1);
    const done = await read(groupPath(id));
    expect(done.body.followUps).toEqual([
      { on: 'complete', taskId: followUpId(id, 'complete'), enqueued: true, status: 'SUCCEEDED' },
      onSuccess,
    ]);
    // The same answer as the API's and the CLI's, apart from the follow-ups' statuses.
    const described = await target.groups.describe(id);
    expect(after.body.counts).toEqual(described.counts);
    expect(after.body.members.map((m) => m.taskId)).toEqual(described.members.map((m) => m.taskId));
  });

  test('pages the members with the cursor each page hands on, and says when it is open', async () => {
    const tasks = Array.from({ length: 7 }, () => ({ ...noop, priority: 'fifo' }));
    const created = await target.groups.create({ tasks, seal: false });
    const id = created.group.id;

    const pages: string[][] = [];
    const cursors: (string | undefined)[] = [];
    let cursor: string | undefined;
    do {
      const page = await read(groupPath(id, `?limit=3${cursor ? `&cursor=${cursor}` : ''}`));
      expect(page.status).toBe(200);
      expect(page.body).toMatchObject({ state: 'OPEN', added: 7, progress: 0 });
      expect(page.body.total).toBeUndefined();
      pages.push(page.body.members.map((m) => m.taskId));
      cursor = page.body.nextCursor;
      cursors.push(cursor);
    } while (cursor && pages.length < 5);

    const ids = Array.from({ length: 7 }, (_, i) => memberId(id, i));
    expect(pages).toEqual([ids.slice(0, 3), ids.slice(3, 6), ids.slice(6)]);
    expect(cursors).toEqual(['3', '6', undefined]);
  });

  test('answers 404 for a group that does not exist', async () => {
    const answer = await read<ErrorView>(groupPath(newTaskId()));
    expect(answer.status).toBe(404);
    expect(answer.body.error).toEqual({ code: 'not_found', message: 'no group with this id' });
  });

  test('answers 400 for a malformed id, cursor or limit, naming the field', async () => {
    const badId = await read<ErrorView>(groupPath('no such <group>'));
    expect(badId.status).toBe(400);
    expect(badId.body.error.code).toBe('invalid_request');
    expect(badId.body.error.message).toMatch(/^invalid group id: id: must be a group id/);
    expect(badId.body.error.message).not.toContain('<group>');

    const id = (await target.groups.create({ tasks: [{ ...noop, priority: 'fifo' }] })).group.id;
    for (const [query, field] of [
      ['?cursor=abc', 'cursor'],
      ['?cursor=100001', 'cursor'],
      ['?limit=0', 'limit'],
    ] as const) {
      const answer = await read<ErrorView>(groupPath(id, query));
      expect(answer.status, query).toBe(400);
      const issues = (answer.body.error.details as { issues: { path: string[] }[] }).issues;
      expect(
        issues.map((i) => i.path.join('.')),
        query,
      ).toEqual([field]);
    }
    // The console pages by cursor: the API's offset is refused, not ignored.
    const offset = await read<ErrorView>(groupPath(id, '?offset=3'));
    expect(offset.status).toBe(400);
    expect(offset.body.error.message).toMatch(/offset/);
  });
});
