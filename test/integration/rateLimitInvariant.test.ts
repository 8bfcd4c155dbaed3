import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { afterEach, expect, it } from 'vitest';
import * as z from 'zod';
import { rateViolations } from '../../chaos/flowInvariants.js';
import { minimumMaxReceiveCount } from '../../definition/checks.js';
import { DynamoDeferralLog } from '../../functions/adapters/dynamodb/DynamoDeferralLog.js';
import { DynamoRateLimitStore } from '../../functions/adapters/dynamodb/DynamoRateLimitStore.js';
import { rateLimitGates } from '../../functions/core/flow/RateLimitGate.js';
import type { RateLimitStore } from '../../functions/core/flow/RateLimitStore.js';
import { type BucketState, refill } from '../../functions/core/flow/tokenBucket.js';
import { createRegistry } from '../../functions/core/registry.js';
import { defineTask } from '../../functions/core/task.js';
import { EventSourcePoller } from '../../local/esm/EventSourcePoller.js';
import { buildConsumer, createPipeline, depth, envelope } from '../helpers/consumerHarness.js';
import { describeOnEachBackend } from '../helpers/eachBackend.js';
import { pollUntil } from '../helpers/poll.js';

const TASKS = 200;
const limit = { perSecond: 1, burst: 1 };
/** Handler starts, per task id: the ledger the invariant is checked on. */
const starts = new Map<string, number[]>();

/**
 * The bucket store, recording every write that applied. A write spent what the bucket
 * held (the version before it, refilled to the write's time) less what it left; replies
 * can arrive out of order, so the versions give the order.
 */
function recordingBuckets(store: RateLimitStore, writes: Map<number, BucketState>): RateLimitStore {
  return {
    read: (bucket) => store.read(bucket),
    async write(bucket, state, expected) {
      const written = await store.write(bucket, state, expected);
      if (written) writes.set(written.version, state);
      return written;
    },
  };
}

/** The time of every token handed out, from the recorded writes. */
function admissionTimes(writes: Map<number, BucketState>): number[] {
  const times: number[] = [];
  for (const [version, state] of writes) {
    const spent = Math.round(
      refill(writes.get(version - 1), limit, state.at).tokens - state.tokens,
    );
    for (let i = 0; i < spent; i++) times.push(state.at);
  }
  return times;
}

const registry = createRegistry([
  defineTask({
    type: 'flow.limited',
    schema: z.object({ n: z.number() }),
    maxAttempts: 3,
    rateLimit: limit,
    handler: (_payload, ctx) => {
      starts.set(ctx.taskId, [...(starts.get(ctx.taskId) ?? []), Date.now()]);
    },
  }),
]);

// DESIGN §11's invariant: a deferral is never an attempt and never a receive, however
// many there are. 200 tasks at 1/s behind a queue whose redrive is at the minimum the
// definition allows: each task is deferred many times, and none may reach the DLQ.
describeOnEachBackend('rate limit of 1/s over 200 tasks', (current) => {
  let poller: EventSourcePoller | undefined;
  afterEach(async () => {
    await poller?.stop();
    poller = undefined;
  });

  it('runs every task once, dead-letters none, and admits within the limit', async () => {
    const backend = current();
    const p = await createPipeline(backend);
    // createPipeline's queues redrive after 5 receives: the definition's minimum here.
    expect(minimumMaxReceiveCount(registry.largestMaxAttempts)).toBe(5);
    const writes = new Map<number, BucketState>();
    const buckets = recordingBuckets(
      new DynamoRateLimitStore(backend.dynamodb, p.tableName),
      writes,
    );
    const consumer = buildConsumer(p, registry, {
      gates: [rateLimitGates(buckets, { now: () => Date.now() })],
      deferrals: new DynamoDeferralLog({ client: backend.dynamodb, tableName: p.tableName }),
    });
    const tasks = Array.from({ length: TASKS }, (_, n) => envelope('flow.limited', { n }));
    for (let i = 0; i < TASKS; i += 10) {
      await backend.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: p.standard.url,
          Entries: tasks
            .slice(i, i + 10)
            .map((t, j) => ({ Id: String(j), MessageBody: JSON.stringify(t) })),
        }),
      );
    }
    poller = new EventSourcePoller({
      sqs: backend.sqs,
      region: backend.region,
      queue: p.standard,
      functionName: 'consumer',
      functionTimeoutMs: 30_000,
      batchSize: 10,
      batchingWindowSeconds: 0,
      maxConcurrency: 2,
      waitSeconds: 1,
      handler: (event) => consumer.invoke(event),
    });
    poller.start();

    await pollUntil(
      async () => tasks.filter((t) => starts.has(t.id)).length,
      (n) => n === TASKS,
      { timeoutMs: 600_000, intervalMs: 1_000, what: `${TASKS} tasks started` },
    );
    const rows = await pollUntil(
      () => Promise.all(tasks.map((t) => p.store.get(t.id))),
      (all) => all.every((r) => r?.status === 'SUCCEEDED'),
      { timeoutMs: 60_000, intervalMs: 500, what: 'every task SUCCEEDED' },
    );

    expect(rows.map((r) => r?.attempts)).toEqual(tasks.map(() => 1));
    expect(tasks.map((t) => starts.get(t.id)?.length)).toEqual(tasks.map(() => 1));
    expect(await depth(backend.sqs, p.standard.dlqUrl)).toEqual({ visible: 0, inFlight: 0 });
    // The limit holds on admissions, the moment a task takes its token; the handler starts
    // a claim write later. Every start had its token.
    const admissions = admissionTimes(writes);
    expect(admissions.length).toBeGreaterThanOrEqual(TASKS);
    expect(rateViolations(admissions, limit)).toEqual([]);
    const times = tasks.flatMap((t) => starts.get(t.id) ?? []);
    const late = rateViolations(times, limit);
    console.info(
      `${TASKS} starts: ${late.length} windows over the bound by the claim write's latency`,
    );
    // Most tasks waited behind others: the deferrals were many, and none was an attempt.
    expect(consumer.metrics.count('deferred')).toBeGreaterThan(TASKS);
    expect(rows.filter((r) => (r?.deferrals ?? 0) > 0).length).toBeGreaterThan(TASKS / 2);
  }, 1_500_000);
});
