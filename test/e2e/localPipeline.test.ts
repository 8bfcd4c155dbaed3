import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalPipeline } from '../../local/LocalPipeline.js';
import { receive } from '../helpers/consumerHarness.js';
import { pollUntil } from '../helpers/poll.js';

interface TaskView {
  id: string;
  status: string;
  attempts: number;
  lastError?: { code: string; message: string };
  result?: unknown;
}

// The local runtime as a user runs it: HTTP API, raw SQS producers, final states.
describe('local pipeline end to end', () => {
  let pipeline: LocalPipeline;
  let api: string;
  let hook: Server;
  let hookUrl: string;
  let hookStatus = 400;

  beforeAll(async () => {
    pipeline = await LocalPipeline.start({
      ports: { api: 0, sqs: 0, dynamodb: 0 },
      logLevel: 'SILENT',
    });
    api = pipeline.info.apiUrl!;
    hook = createServer((req, res) => {
      req.resume();
      res.writeHead(hookStatus, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    hook?.closeAllConnections();
    await new Promise((resolve) => hook?.close(resolve));
    await pipeline?.stop();
  });

  const post = async (path: string, body?: unknown) => {
    const res = await fetch(`${api}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const task = async (id: string) => (await (await fetch(`${api}/tasks/${id}`)).json()) as TaskView;
  const until = (id: string, status: string) =>
    pollUntil(
      () => task(id),
      (t) => t.status === status,
      { what: `task ${id} ${status}` },
    );
  const messagesIn = async (url: string) => {
    const { Attributes = {} } = await pipeline.clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
    );
    return (
      Number(Attributes.ApproximateNumberOfMessages) +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible) +
      Number(Attributes.ApproximateNumberOfMessagesDelayed)
    );
  };
  const queue = (priority: string) => pipeline.info.queues.find((q) => q.priority === priority)!;

  it('runs a task enqueued over HTTP', async () => {
    const { status, body } = await post('/tasks', {
      type: 'logs.summarize',
      payload: { lines: ['ERROR boom 1', 'ERROR boom 2', 'INFO fine'] },
      priority: 'high',
    });
    expect(status).toBe(202);
    const done = await until(String(body.taskId), 'SUCCEEDED');
    expect(done.result).toMatchObject({ total: 3, byLevel: { error: 2, info: 1 } });
  });

  it('runs a task sent straight to SQS by a non-taskpipe producer', async () => {
    const envelope = {
      v: 1,
      id: `raw-${Date.now()}`,
      type: 'noop',
      payload: {},
      priority: 'low',
      enqueuedAt: new Date().toISOString(),
    };
    await pipeline.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: queue('low').url, MessageBody: JSON.stringify(envelope) }),
    );
    const done = await until(envelope.id, 'SUCCEEDED');
    expect(done.attempts).toBe(1);
  });

  it('fails a permanent error into the DLQ, then retries it by API to success', async () => {
    hookStatus = 400;
    const { body } = await post('/tasks', {
      type: 'http.post',
      payload: { url: hookUrl, body: {} },
    });
    const id = String(body.taskId);
    const failed = await until(id, 'FAILED');
    expect(failed.lastError?.code).toBe('permanent');
    const [copy] = await receive(pipeline.clients.sqs, queue('default').dlqUrl, 1, 1);
    expect(copy?.MessageAttributes?.['taskpipe.task-id']?.StringValue).toBe(id);

    hookStatus = 200;
    const retried = await post(`/tasks/${id}/retry`);
    expect(retried.status).toBe(202);
    const done = await until(id, 'SUCCEEDED');
    expect(done.attempts).toBe(2);
    expect((await post(`/tasks/${id}/cancel`)).status).toBe(409);
  });

  it('cancels a delayed task, and its later delivery does not run it', async () => {
    const { body } = await post('/tasks', { type: 'noop', payload: {}, delaySeconds: 1 });
    const id = String(body.taskId);
    expect((await post(`/tasks/${id}/cancel`)).status).toBe(200);
    // The delayed message is delivered, found CANCELLED and acknowledged.
    await pollUntil(
      () => messagesIn(queue('default').url),
      (n) => n === 0,
      { what: 'default queue drained of delayed, visible and in-flight messages' },
    );
    const after = await task(id);
    expect(after.status).toBe('CANCELLED');
    expect(after.attempts).toBe(0);
  });

  it('dead-letters a poison message sent raw to SQS', async () => {
    const url = queue('default').url;
    await pipeline.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: url, MessageBody: '{oops' }),
    );
    const [copy] = await pollUntil(
      () => receive(pipeline.clients.sqs, queue('default').dlqUrl, 10, 1),
      (msgs) => msgs.some((m) => m.Body === '{oops'),
      { what: 'poison copy in the DLQ' },
    ).then((msgs) => msgs.filter((m) => m.Body === '{oops'));
    expect(copy?.MessageAttributes?.['taskpipe.failure-reason']?.StringValue).toBe('poison');
  });
});
