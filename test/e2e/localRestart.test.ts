import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../local/clients.js';
import { LocalPipeline } from '../../local/LocalPipeline.js';
import { QUEUE_SNAPSHOT } from '../../local/persistence/QueueJournal.js';
import type { MessageRecord } from '../../local/persistence/queueRecords.js';
import { pollUntil } from '../helpers/poll.js';
import {
  holdStarted,
  RETRY_AFTER_MS,
  restartDefinition,
  restartRegistry,
  restartRuns,
} from '../helpers/restartTasks.js';

interface TaskView {
  id: string;
  status: string;
  attempts: number;
}

const DELAY_SECONDS = 5;

// A clean stop and a restart on the same data dir, with work in every state a queue holds.
describe('local runtime restart with --data-dir', () => {
  let dir: string;
  let first: LocalPipeline;
  let second: LocalPipeline | undefined;
  const printedA: string[] = [];
  const printedB: string[] = [];
  const saved: MessageRecord[] = [];
  const ids = { dead: '', later: '', holds: [] as string[], queued: [] as string[], delayed: '' };
  let delayedDueAt = 0;
  let deadLetterBefore: string | undefined;

  const start = (print: string[]) =>
    LocalPipeline.start({
      ports: { api: 0, sqs: 0, dynamodb: 0 },
      definition: restartDefinition,
      registry: restartRegistry,
      logLevel: 'SILENT',
      dataDir: dir,
      alarms: { periodSeconds: 3600, print: (text) => print.push(text) },
    });
  const api = (p: LocalPipeline) => p.info.apiUrl!;
  const enqueue = async (p: LocalPipeline, type: string, extra: object = {}) => {
    const res = await fetch(`${api(p)}/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type, payload: {}, ...extra }),
    });
    expect(res.status).toBe(202);
    return ((await res.json()) as { taskId: string }).taskId;
  };
  const task = async (p: LocalPipeline, id: string) =>
    (await (await fetch(`${api(p)}/tasks/${id}`)).json()) as TaskView;
  const until = (p: LocalPipeline, id: string, status: string, timeoutMs = 20_000) =>
    pollUntil(
      () => task(p, id),
      (t) => t.status === status,
      { what: `task ${id} ${status}`, timeoutMs },
    );
  const dlqAlarm = `${restartDefinition.name}-default-dlq-not-empty`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'taskpipe-restart-'));
    first = await start(printedA);
    ids.dead = await enqueue(first, 'rs.dead');
    await until(first, ids.dead, 'FAILED');
    await first.alarms!.evaluateNow();
    ids.later = await enqueue(first, 'rs.later');
    await until(first, ids.later, 'RETRYING');
    ids.holds = [await enqueue(first, 'rs.hold'), await enqueue(first, 'rs.hold')];
    await pollUntil(
      async () => ids.holds.every((id) => holdStarted.has(id)),
      (all) => all,
      { what: 'both holds running' },
    );
    // Both slots are held: what arrives now stays on the queue until the restart.
    ids.queued.push(await enqueue(first, 'rs.ok'));
    const raw = new SQSClient({
      region: first.info.region,
      endpoint: first.info.sqsEndpoint,
      credentials: { ...LOCAL_CREDENTIALS },
    });
    const rawId = `raw-${Date.now()}`;
    await raw.send(
      new SendMessageCommand({
        QueueUrl: first.info.queues[0]!.url,
        MessageBody: JSON.stringify({
          v: 1,
          id: rawId,
          type: 'rs.ok',
          payload: {},
          priority: 'default',
          enqueuedAt: new Date().toISOString(),
        }),
      }),
    );
    raw.destroy();
    ids.queued.push(rawId);
    delayedDueAt = Date.now() + DELAY_SECONDS * 1000;
    ids.delayed = await enqueue(first, 'rs.ok', { delaySeconds: DELAY_SECONDS });
    await first.stop();

    const text = await readFile(join(dir, QUEUE_SNAPSHOT), 'utf8');
    for (const line of text.trim().split('\n')) {
      const record = JSON.parse(line) as MessageRecord;
      if (record.t === 'message') saved.push(record);
    }
    deadLetterBefore = saved.find((r) => r.queue.endsWith('-dlq'))?.message.messageId;
    second = await start(printedB);
  }, 60_000);
  afterAll(async () => {
    await second?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const savedOf = (id: string) => saved.find((r) => r.message.body.includes(`"id":"${id}"`));

  it('saved the queued, delayed, in-flight and dead-lettered messages at the stop', () => {
    for (const id of ids.queued) expect(savedOf(id)?.inflight).toBeUndefined();
    expect(savedOf(ids.delayed)?.message.delayUntil).toBeGreaterThan(Date.now() - 60_000);
    expect(savedOf(ids.later)?.inflight?.visibilityDeadline).toBeGreaterThan(0);
    expect(savedOf(ids.later)?.message.approximateReceiveCount).toBe(1);
    expect(savedOf(ids.dead)?.queue).toMatch(/-dlq$/);
  });

  it('runs every queued task after the restart, once', async () => {
    for (const id of [...ids.queued, ...ids.holds]) await until(second!, id, 'SUCCEEDED');
    for (const id of ids.queued) expect(restartRuns.get(id)).toHaveLength(1);
  });

  it('runs a delayed task at its due time, not before', async () => {
    await until(second!, ids.delayed, 'SUCCEEDED');
    const runs = restartRuns.get(ids.delayed)!;
    expect(runs).toHaveLength(1);
    expect(runs[0]!.at).toBeGreaterThanOrEqual(delayedDueAt - 1_000);
  });

  it('brings an in-flight message back when its visibility ends, and runs it once more', async () => {
    const done = await until(second!, ids.later, 'SUCCEEDED', RETRY_AFTER_MS + 20_000);
    expect(done.attempts).toBe(2);
    const runs = restartRuns.get(ids.later)!;
    expect(runs.map((r) => r.attempt)).toEqual([1, 2]);
    expect(runs[1]!.at - runs[0]!.at).toBeGreaterThanOrEqual(RETRY_AFTER_MS - 1_000);
  }, 60_000);

  it('keeps the task rows, the dead letter and the alarm state', async () => {
    expect((await task(second!, ids.dead)).status).toBe('FAILED');
    expect(restartRuns.get(ids.dead)).toHaveLength(1);
    const { Messages = [] } = await second!.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: second!.info.queues[0]!.dlqUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
      }),
    );
    expect(Messages.map((m) => m.MessageId)).toEqual([deadLetterBefore]);
    expect(printedA.filter((t) => t.includes(dlqAlarm))).toHaveLength(1);
    expect(second!.alarms!.evaluator.state(dlqAlarm)).toBe('ALARM');
    await second!.alarms!.evaluateNow();
    expect(printedB.filter((t) => t.includes(dlqAlarm))).toEqual([]);
  });

  it('never runs a hold task twice to success', async () => {
    for (const id of ids.holds) {
      const runs = restartRuns.get(id)!;
      expect(runs.filter((r) => r.attempt > 1)).toHaveLength(1);
    }
  });
});
