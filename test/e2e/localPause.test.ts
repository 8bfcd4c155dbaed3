import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalPipeline } from '../../local/LocalPipeline.js';
import { pollUntil } from '../helpers/poll.js';

// A paused queue's poller stays stopped, also after a restart on the same data dir, and
// its work runs once the queue is resumed; other queues run throughout.
describe('pausing a queue in the local runtime', () => {
  let dir: string;
  let pipeline: LocalPipeline | undefined;
  const start = () =>
    LocalPipeline.start({
      ports: { api: 0, sqs: 0, dynamodb: 0 },
      logLevel: 'SILENT',
      dataDir: dir,
    });
  const call = async (method: string, path: string, body?: object) => {
    const res = await fetch(`${pipeline!.info.apiUrl}${path}`, {
      method,
      ...(body
        ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
        : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const enqueue = async (priority: string) =>
    (await call('POST', '/tasks', { type: 'noop', payload: {}, priority })).body.taskId as string;
  const statusOf = async (id: string) => (await call('GET', `/tasks/${id}`)).body;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'taskpipe-pause-'));
    pipeline = await start();
  }, 120_000);
  afterAll(async () => {
    await pipeline?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps a queue paused across a restart, then runs its work on resume', async () => {
    const paused = await call('POST', '/flow/pauses', { queue: 'low', by: 'ann' });
    expect(paused.status).toBe(201);
    await pipeline!.stop();
    pipeline = await start();

    const flow = (await call('GET', '/flow')).body as { pauses: { queues: unknown[] } };
    expect(flow.pauses.queues).toEqual([expect.objectContaining({ name: 'low', by: 'ann' })]);

    const held = await enqueue('low');
    const control = await enqueue('default');
    await pollUntil(
      () => statusOf(control),
      (t) => t.status === 'SUCCEEDED',
      { what: 'the default task' },
    );
    const low = pipeline!.info.queues.find((q) => q.priority === 'low')!;
    const { Attributes } = await pipeline!.clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: low.url,
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    );
    expect(Attributes?.ApproximateNumberOfMessages).toBe('1');
    expect(await statusOf(held)).toMatchObject({ status: 'QUEUED', attempts: 0 });

    const resumed = await call('DELETE', '/flow/pauses/queue/low');
    expect(resumed.body).toMatchObject({ resumed: true, pause: { by: 'ann' } });
    await pollUntil(
      () => statusOf(held),
      (t) => t.status === 'SUCCEEDED',
      {
        what: 'the low task after the resume',
        timeoutMs: 30_000,
      },
    );
  }, 120_000);

  it('refuses an unknown queue or type, naming what exists', async () => {
    const queue = await call('POST', '/flow/pauses', { queue: 'nope' });
    expect(queue.status).toBe(400);
    expect(JSON.stringify(queue.body)).toContain('high, default, low');
    const type = await call('POST', '/flow/pauses', { type: 'no.such' });
    expect(type.status).toBe(400);
    expect(JSON.stringify(type.body)).toContain('noop');
  });
});
