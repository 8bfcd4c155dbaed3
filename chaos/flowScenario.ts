import { setTimeout as delay } from 'node:timers/promises';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { minimumMaxReceiveCount } from '../definition/checks.js';
import { pipelineDefinition } from '../definition/pipeline.js';
import { bucketItemId } from '../functions/adapters/dynamodb/DynamoRateLimitStore.js';
import { ATTR } from '../functions/adapters/dynamodb/taskItem.js';
import type { BucketState } from '../functions/core/flow/tokenBucket.js';
import type { BreakerRecord } from '../functions/core/flow/types.js';
import { LocalPipeline } from '../local/LocalPipeline.js';
import { CHAOS_DEFINITION } from './chaosDefinition.js';
import { drainDeadLetters, observerClients, queueDepth, scanTasks } from './finalState.js';
import { admissionTimes, checkFlow } from './flowInvariants.js';
import {
  BREAKER_KEY,
  FLOW_CHAOS_TYPES,
  FlowLedger,
  flowChaosRegistry,
  type Outage,
  RATE_LIMIT,
} from './flowTasks.js';
import type { InvariantResult } from './invariants.js';

/** Tasks per flow type: enough to defer many times, small beside the main run. */
const COUNTS = { fragile: 30, limited: 60, keyed: 60, paused: 20 } as const;
const TENANTS = 3;
/** How long `chaos.paused` stays paused, and the outage of `chaos.fragile`'s downstream. */
const PAUSE_MS = 8_000;
const OUTAGE_MS = 10_000;
const POLL_MS = 250;
/** A paused task looks again after a minute (PAUSE_HOLD_MS): the drain waits beyond it. */
const DRAIN_LIMIT_MS = 240_000;

export interface FlowChaosResult {
  invariants: InvariantResult[];
  deferrals: number;
  maxReceiveCount: number;
}

/**
 * The flow-control scenario: its own small pipeline (a FIFO queue refuses these types),
 * whose queues dead-letter at the definition's minimum receive count, so a deferral that
 * counted as a receive would show in the DLQ. Its faults are the ones that spend attempts
 * (transient errors, a downstream outage); crashes, expired visibility and a deadline near
 * at a record's start spend receives without attempts, which the minimum leaves no room
 * for (definition/checks.ts, RECEIVE_HEADROOM), so they stay in the main run, and the
 * consumer keeps the definition's timeout. A type is paused and resumed during the load.
 */
export async function runFlowChaos(options: { seed: number }): Promise<FlowChaosResult> {
  const ledger = new FlowLedger();
  const outage: Outage = { downMs: OUTAGE_MS };
  const registry = flowChaosRegistry(options.seed, ledger, outage);
  const maxReceiveCount = minimumMaxReceiveCount(registry.largestMaxAttempts);
  const errors: unknown[] = [];
  const pipeline = await LocalPipeline.start({
    ports: { api: 0, sqs: 0, dynamodb: 0 },
    definition: {
      ...CHAOS_DEFINITION,
      queues: pipelineDefinition.queues.map((q) => ({ ...q, maxReceiveCount })),
      consumer: pipelineDefinition.consumer,
    },
    registry,
    logLevel: 'SILENT',
  });
  const bucketWrites = recordBucketWrites(pipeline.clients.dynamodb);
  const api = pipeline.info.apiUrl!;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${api}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok)
      throw new Error(`flow chaos: ${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  };
  const observer = observerClients(pipeline.info);
  const breakers = new Map<number, BreakerRecord>();
  let watching = true;
  const watch = (async () => {
    while (watching) {
      try {
        const { breakers: seen } = (await call('GET', '/flow')) as { breakers: BreakerRecord[] };
        for (const b of seen.filter((b) => b.key === BREAKER_KEY)) breakers.set(b.version, b);
      } catch (error) {
        errors.push(error);
      }
      await delay(POLL_MS);
    }
  })();
  try {
    const enqueued = new Map<string, string>();
    const send = async (type: string, count: number, from: number) => {
      const tasks = Array.from({ length: count }, (_, i) => ({
        type,
        payload: { n: from + i, tenant: `tenant-${(from + i) % TENANTS}` },
      }));
      const { results } = (await call('POST', '/tasks/batch', { tasks })) as {
        results: { taskId?: string; error?: unknown }[];
      };
      for (const r of results) {
        if (!r.taskId) throw new Error(`flow chaos: ${type} not accepted: ${JSON.stringify(r)}`);
        enqueued.set(r.taskId, type);
      }
    };
    await call('POST', '/flow/pauses', { type: FLOW_CHAOS_TYPES.paused, by: 'chaos' });
    const pausedAt = Date.now();
    let n = 0;
    for (const [name, count] of Object.entries(COUNTS)) {
      await send(FLOW_CHAOS_TYPES[name as keyof typeof COUNTS], count, n);
      n += count;
    }
    await delay(PAUSE_MS - (Date.now() - pausedAt));
    const resumedAt = Date.now();
    await call('DELETE', `/flow/pauses/type/${FLOW_CHAOS_TYPES.paused}`);

    const t0 = Date.now();
    for (let empty = 0; empty < 2 && Date.now() - t0 < DRAIN_LIMIT_MS; await delay(POLL_MS * 2)) {
      empty = (await queueDepth(observer, pipeline.info)) === 0 ? empty + 1 : 0;
    }
    await pipeline.stopConsuming();
    watching = false;
    await watch;
    const tasks = await scanTasks(observer, pipeline.info);
    const breakerOpen = [...breakers.values()]
      .filter((b) => b.state === 'open' && b.by === 'breaker' && b.until !== undefined)
      .map((b) => ({ since: b.since, until: b.until! }));
    const invariants = checkFlow({
      ledger,
      enqueued,
      tasks,
      deadLetters: await drainDeadLetters(observer, pipeline.info),
      admissions: admissionTimes(bucketWrites, RATE_LIMIT),
      pause: { pausedAt, resumedAt },
      breakerOpen,
    });
    invariants.push({
      name: 'no unhandled error in the flow scenario',
      pass: errors.length === 0,
      detail: errors.length === 0 ? 'none' : String(errors[0]),
    });
    const deferrals = [...enqueued.keys()].reduce(
      (s, id) => s + (tasks.get(id)?.deferrals ?? 0),
      0,
    );
    return { invariants, deferrals, maxReceiveCount };
  } finally {
    watching = false;
    await watch;
    observer.sqs.destroy();
    observer.dynamodb.destroy();
    await pipeline.stop();
  }
}

/** The rate-limit bucket's writes that applied, by version, as the consumer sent them. */
function recordBucketWrites(client: DynamoDBClient): Map<number, BucketState> {
  const writes = new Map<number, BucketState>();
  client.middlewareStack.add(
    (next) => async (args) => {
      const out = await next(args);
      const item = (args.input as { Item?: Record<string, { S?: string; N?: string }> }).Item;
      if (item?.[ATTR.id]?.S === bucketItemId(`${FLOW_CHAOS_TYPES.limited}#`)) {
        writes.set(Number(item.v?.N), { tokens: Number(item.tokens?.N), at: Number(item.at?.N) });
      }
      return out;
    },
    { step: 'initialize', name: 'chaosBucketWrites' },
  );
  return writes;
}
