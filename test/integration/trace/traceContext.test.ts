import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { DynamoGroupStore } from '../../../functions/adapters/dynamodb/DynamoGroupStore.js';
import { registry as builtInTasks } from '../../../functions/tasks/index.js';
import { apiEvent } from '../../helpers/apiEvents.js';
import { buildApi, recordingLogger } from '../../helpers/apiHarness.js';
import type { Backend } from '../../helpers/backends.js';
import {
  buildConsumer,
  createPipeline,
  deliver,
  envelope,
  type Pipeline,
  receive,
  send,
} from '../../helpers/consumerHarness.js';
import { describeOnEachBackend } from '../../helpers/eachBackend.js';
import { testRegistry } from '../../helpers/testTasks.js';
import { startTestServer, type TestServer } from '../tasks/testServer.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER = `00-${TRACE_ID}-00f067aa0ba902b7-01`;
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

/** The trace id and parent id of a traceparent value. */
function parts(value: unknown): { traceId: string; parentId: string } {
  const match = TRACEPARENT.exec(String(value));
  expect(match, `not a traceparent: ${String(value)}`).not.toBeNull();
  return { traceId: match![1]!, parentId: match![2]! };
}

/** The parsed log lines whose message is `message`. */
function linesOf(logger: { lines: string[] }, message: string) {
  return logger.lines
    .map((line) => JSON.parse(line))
    .filter((line) => line.message === message)
    .map((line) => Object.assign({}, ...line.extra));
}

describeOnEachBackend('W3C trace context from the API to the consumer', (current) => {
  let backend: Backend;
  let p: Pipeline;
  let server: TestServer;

  beforeAll(async () => {
    backend = current();
    server = await startTestServer();
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    p = await createPipeline(backend);
  });

  it("joins the API's and the consumer's log lines, and the follow-up task, on the caller's trace id", async () => {
    const apiLog = recordingLogger();
    const api = buildApi(p, testRegistry, { logger: apiLog });

    const res = await api.call(
      apiEvent('POST', '/tasks', {
        body: { type: 'test.spawn', payload: { n: 1 } },
        headers: { traceparent: CALLER },
      }),
    );

    expect(res.status).toBe(202);
    const answered = parts(res.headers.traceparent);
    expect(answered.traceId).toBe(TRACE_ID);
    // The API is a span of its own in the caller's trace.
    expect(answered.parentId).not.toBe('00f067aa0ba902b7');
    expect(linesOf(apiLog, 'request served')[0]).toMatchObject({ traceId: TRACE_ID });

    const consumerLog = recordingLogger();
    const consumer = buildConsumer(p, testRegistry, { logger: consumerLog });
    await deliver(p, p.standard, consumer);

    expect(linesOf(consumerLog, 'task succeeded')[0]).toMatchObject({ traceId: TRACE_ID });
    const [followUp] = await receive(backend.sqs, p.standard.url);
    const child = JSON.parse(followUp!.Body!);
    expect(child.type).toBe('test.ok');
    const childTrace = parts(child.traceparent);
    expect(childTrace.traceId).toBe(TRACE_ID);
    // The follow-up's parent is the task's span, not the API's.
    expect(childTrace.parentId).not.toBe(answered.parentId);
  });

  it('starts a new trace for a request without one, and returns it', async () => {
    const api = buildApi(p, testRegistry);

    const res = await api.call(
      apiEvent('POST', '/tasks', {
        body: { type: 'test.ok', payload: { n: 1 } },
        headers: { traceparent: 'not-a-traceparent' },
      }),
    );

    expect(res.status).toBe(202);
    const [message] = await receive(backend.sqs, p.standard.url);
    const sent = JSON.parse(message!.Body!);
    expect(sent.traceparent).toBe(res.headers.traceparent);
    expect(parts(sent.traceparent).traceId).not.toBe(TRACE_ID);
  });

  it('refuses a body whose traceparent is not W3C trace context, saying what is allowed', async () => {
    const api = buildApi(p, testRegistry);

    const res = await api.call(
      apiEvent('POST', '/tasks', {
        body: {
          type: 'test.ok',
          payload: { n: 1 },
          traceparent: `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`,
        },
      }),
    );

    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('must be a W3C traceparent');
  });

  it("gives the members of a group the task's trace id", async () => {
    const consumer = buildConsumer(p, testRegistry, {
      groups: new DynamoGroupStore({ client: backend.dynamodb, tableName: p.tableName }),
    });
    await send(
      backend.sqs,
      p.standard,
      envelope('test.group', { size: 2 }, { traceparent: CALLER }),
    );

    await deliver(p, p.standard, consumer);

    const members = (await receive(backend.sqs, p.standard.url)).map((m) => JSON.parse(m.Body!));
    expect(members.length).toBeGreaterThan(0);
    for (const member of members) expect(parts(member.traceparent).traceId).toBe(TRACE_ID);
  });

  it("sends http.post's request with the task's traceparent header", async () => {
    const consumer = buildConsumer(p, builtInTasks);
    await send(
      backend.sqs,
      p.standard,
      envelope('http.post', { url: `${server.url}/hook`, body: {} }, { traceparent: CALLER }),
    );
    const before = server.seen.length;

    await deliver(p, p.standard, consumer);

    const request = server.seen[before];
    const sent = parts(request?.headers.traceparent);
    expect(sent.traceId).toBe(TRACE_ID);
    expect(sent.parentId).not.toBe('00f067aa0ba902b7');
  });

  it('runs a message without a traceparent, or with a bad one, in a new trace', async () => {
    const log = recordingLogger();
    const consumer = buildConsumer(p, testRegistry, { logger: log });
    await send(backend.sqs, p.standard, envelope('test.ok', { n: 1 }));
    await send(backend.sqs, p.standard, envelope('test.ok', { n: 2 }, { traceparent: 'garbage' }));

    const { failedIds } = await deliver(p, p.standard, consumer, { count: 2 });

    expect(failedIds).toEqual([]);
    const done = linesOf(log, 'task succeeded');
    expect(done).toHaveLength(2);
    const ids = done.map((line) => line.traceId);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(2);
    expect(
      linesOf(log, 'traceparent is not valid W3C trace context; a new trace starts'),
    ).toHaveLength(1);
  });
});
