import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import pLimit from 'p-limit';
import { newEnvelope } from '../functions/core/newEnvelope.js';
import { LOCAL_CREDENTIALS } from '../local/clients.js';
import type { LocalPipelineInfo } from '../local/LocalPipeline.js';
import type { ChaosEndpoint } from './ChaosEndpoint.js';
import { WEBHOOK_TIMEOUT_MS, WORK_TYPES } from './chaosTasks.js';
import type { FaultLog, FaultRates } from './faults.js';
import { unitFor } from './rng.js';

/** Shares of the workload: the rest goes through the API's batch enqueue. */
const RAW_SHARE = 0.3;
const WEBHOOK_SHARE = 0.05;
/** Share of the work tasks tracked at `terminal` instead of in full. */
const TERMINAL_SHARE = 0.2;
const API_BATCH = 100;
const API_PARALLEL = 4;
/** Rounds of resubmitting batch entries the API reported as failed. */
const RESUBMIT_ROUNDS = 8;

export interface Workload {
  /** Every task id the pipeline accepted, by any path. */
  enqueued: Set<string>;
  poisonSent: number;
  /** API entries reported failed and then sent again. */
  resubmitted: number;
  /** Entries still failing after every round: reported, not lost, but not enqueued. */
  rejected: number;
  /** Accepted tasks that name a callback. */
  callbacks: Set<string>;
}

interface Entry {
  type: string;
  payload: unknown;
  priority: string;
  idempotencyKey: string;
  callback?: { url: string };
}

/** Builds and enqueues `tasks` tasks: raw SendMessageBatch, and API batches with resubmits. */
export async function enqueueWorkload(options: {
  tasks: number;
  seed: number;
  rates: FaultRates;
  info: LocalPipelineInfo;
  endpoint: ChaosEndpoint;
  faults: FaultLog;
  /** Where a share (`rates['callback-down']`) of the API's work tasks post their callback. */
  callbackUrl: string;
}): Promise<Workload> {
  const { tasks, seed, rates, info, endpoint, faults } = options;
  // The FIFO queue carries only the aimed tasks (chaos/aimedTasks.ts).
  const queues = info.queues.filter((q) => !q.fifo);
  const priorities = queues.map((q) => q.priority);
  const entries: { entry: Entry; raw: boolean }[] = [];
  // Every k-th work task sent through the API names the callback, the first one included.
  const callbackEvery = Math.round(1 / rates['callback-down']);
  let apiWork = 0;
  for (let n = 0; n < tasks; n++) {
    const priority = priorities[n % priorities.length]!;
    const webhook = unitFor(seed, 'kind', n) < WEBHOOK_SHARE;
    const entry: Entry = webhook
      ? {
          type: 'http.post',
          payload: { url: `${endpoint.url}/hook`, body: { n }, timeoutMs: WEBHOOK_TIMEOUT_MS },
          priority,
          idempotencyKey: `chaos-${seed}-${n}`,
        }
      : {
          type:
            unitFor(seed, 'tracking', n) < TERMINAL_SHARE ? WORK_TYPES.terminal : WORK_TYPES.full,
          payload: { n },
          priority,
          idempotencyKey: `chaos-${seed}-${n}`,
        };
    const raw = !webhook && unitFor(seed, 'raw', n) < RAW_SHARE;
    if (!webhook && !raw && rates['callback-down'] > 0 && apiWork++ % callbackEvery === 0) {
      entry.callback = { url: options.callbackUrl };
    }
    entries.push({ entry, raw });
  }
  const workload: Workload = {
    enqueued: new Set(),
    poisonSent: 0,
    resubmitted: 0,
    rejected: 0,
    callbacks: new Set(),
  };
  const raw = entries.filter((e) => e.raw).map((e) => e.entry);
  await Promise.all([
    sendRaw(raw, { seed, rates, info: { ...info, queues }, faults, workload }),
    sendThroughApi(
      entries.filter((e) => !e.raw).map((e) => e.entry),
      info,
      workload,
    ),
  ]);
  return workload;
}

/** Raw producers: envelopes (some twice) and poison bodies straight onto the queues. */
async function sendRaw(
  entries: Entry[],
  ctx: {
    seed: number;
    rates: FaultRates;
    info: LocalPipelineInfo;
    faults: FaultLog;
    workload: Workload;
  },
): Promise<void> {
  const { seed, rates, info, faults, workload } = ctx;
  const sqs = new SQSClient({
    region: info.region,
    endpoint: info.sqsEndpoint,
    credentials: { ...LOCAL_CREDENTIALS },
  });
  const bodies = new Map<string, string[]>(info.queues.map((q) => [q.priority, []]));
  for (const [i, entry] of entries.entries()) {
    const envelope = newEnvelope(entry, Date.now());
    const body = JSON.stringify(envelope);
    const queue = bodies.get(entry.priority)!;
    queue.push(body);
    workload.enqueued.add(envelope.id);
    if (unitFor(seed, 'dup', i) < rates['duplicate-send']) {
      faults.record('duplicate-send', envelope.id);
      queue.push(body);
    }
    if (unitFor(seed, 'poison', i) < rates.poison) {
      faults.record('poison');
      workload.poisonSent++;
      queue.push(i % 2 ? `not json {${i}` : JSON.stringify({ v: 1, id: `poison-${i}` }));
    }
  }
  const limit = pLimit(8);
  const sends: Promise<unknown>[] = [];
  for (const q of info.queues) {
    const all = bodies.get(q.priority)!;
    for (let i = 0; i < all.length; i += 10) {
      const chunk = all.slice(i, i + 10);
      sends.push(limit(() => sendChunk(sqs, q.url, chunk)));
    }
  }
  await Promise.all(sends);
  sqs.destroy();
}

async function sendChunk(sqs: SQSClient, url: string, bodies: string[]): Promise<void> {
  const out = await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: url,
      Entries: bodies.map((MessageBody, j) => ({ Id: String(j), MessageBody })),
    }),
  );
  // This client has no faults: a failed entry here is a broken run, not chaos.
  if (out.Failed?.length) throw new Error(`raw send failed: ${JSON.stringify(out.Failed)}`);
}

interface BatchResult {
  index: number;
  taskId?: string;
  error?: { code: string };
}

/** API batches; entries reported failed (or whole 503s) are sent again, never dropped. */
async function sendThroughApi(entries: Entry[], info: LocalPipelineInfo, workload: Workload) {
  let pending = entries;
  for (let round = 0; round < RESUBMIT_ROUNDS && pending.length > 0; round++) {
    const failed: Entry[] = [];
    const limit = pLimit(API_PARALLEL);
    const batches: Promise<void>[] = [];
    for (let i = 0; i < pending.length; i += API_BATCH) {
      const batch = pending.slice(i, i + API_BATCH);
      batches.push(
        limit(async () => {
          const res = await fetch(`${info.apiUrl}/tasks/batch`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ tasks: batch }),
          });
          if (res.status !== 200) {
            failed.push(...batch);
            return;
          }
          const { results } = (await res.json()) as { results: BatchResult[] };
          for (const r of results) {
            if (r.error || !r.taskId) {
              failed.push(batch[r.index]!);
              continue;
            }
            workload.enqueued.add(r.taskId);
            if (batch[r.index]?.callback) workload.callbacks.add(r.taskId);
          }
        }),
      );
    }
    await Promise.all(batches);
    if (round + 1 < RESUBMIT_ROUNDS) workload.resubmitted += failed.length;
    pending = failed;
  }
  workload.rejected = pending.length;
}
