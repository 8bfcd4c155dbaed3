import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { PermanentError, RetryableError } from '../functions/core/errors.js';
import { newEnvelope } from '../functions/core/newEnvelope.js';
import { defineTask } from '../functions/core/task.js';
import { LOCAL_CREDENTIALS } from '../local/clients.js';
import type { LocalPipelineInfo } from '../local/LocalPipeline.js';
import { CHAOS_POLICY } from './chaosPolicy.js';
import type { FaultLog, FaultRates } from './faults.js';
import type { SideEffectLedger } from './SideEffectLedger.js';

/** Task types aimed at one failure path each; no other fault is drawn for them. */
export const AIMED_TYPES = {
  retryAfter: 'chaos.later',
  leaseLost: 'chaos.lease',
  fifoDlq: 'chaos.doomed',
} as const;

/**
 * Fifteen times the chaos backoff cap (1 s): a retry that ignored it would come after the
 * backoff, within a second or two; even a loaded machine does not stretch that to 15 s.
 */
export const RETRY_AFTER_MS = 15 * CHAOS_POLICY.backoff.capMs;

const aimedTypes = new Set<string>(Object.values(AIMED_TYPES));
export const isAimedType = (type: unknown) => typeof type === 'string' && aimedTypes.has(type);

/** The ids sent per fault, and for the FIFO ones what the DLQ copy must keep. */
export interface AimedWorkload {
  ids: Map<'retry-after' | 'lease-lost' | 'fifo-dlq', string[]>;
  fifo: Map<string, { groupId: string; deduplicationId: string }>;
}

/**
 * `chaos.later` asks, on its first attempt, for a retry after `RETRY_AFTER_MS`;
 * `chaos.lease` fails its first attempt (whose retry write the late-write fault holds) and
 * succeeds later; `chaos.doomed` always fails permanently, so it ends in the DLQ.
 */
export function aimedTasks(ledger: SideEffectLedger) {
  const schema = z.object({ n: z.number().int().min(0) });
  const later = defineTask({
    type: AIMED_TYPES.retryAfter,
    schema,
    ...CHAOS_POLICY,
    handler: (_payload, ctx) => {
      const now = Date.now();
      ledger.attemptStarts.push({ taskId: ctx.taskId, attempt: ctx.attempt, at: now });
      if (ctx.attempt === 1) {
        ledger.retryRequests.push({
          taskId: ctx.taskId,
          attempt: 1,
          notBefore: now + RETRY_AFTER_MS,
        });
        throw new RetryableError('chaos: asked to come back later', {
          retryAfterMs: RETRY_AFTER_MS,
        });
      }
      ledger.append(ctx.taskId, ctx.attempt, ctx.idempotencyKey);
      return { attempt: ctx.attempt };
    },
  });
  const lease = defineTask({
    type: AIMED_TYPES.leaseLost,
    schema,
    ...CHAOS_POLICY,
    handler: (_payload, ctx) => {
      if (ctx.attempt === 1) throw new RetryableError('chaos: first attempt fails');
      ledger.append(ctx.taskId, ctx.attempt, ctx.idempotencyKey);
      return { attempt: ctx.attempt };
    },
  });
  const doomed = defineTask({
    type: AIMED_TYPES.fifoDlq,
    schema,
    ...CHAOS_POLICY,
    handler: () => {
      throw new PermanentError('chaos: this task always fails');
    },
  });
  return [later, lease, doomed];
}

/** How many aimed tasks of a fault: its rate as a share of the workload, at least two. */
const countOf = (tasks: number, rate: number) =>
  rate > 0 ? Math.max(2, Math.round(tasks * rate)) : 0;

/** Sends the aimed tasks straight to the queues: the FIFO ones with their own group ids. */
export async function enqueueAimed(options: {
  tasks: number;
  seed: number;
  rates: FaultRates;
  info: LocalPipelineInfo;
  faults: FaultLog;
  /** Filled with the lease-lost task ids before they are sent, for the late-write fault. */
  leaseIds: Set<string>;
}): Promise<AimedWorkload> {
  const { tasks, seed, rates, info, faults, leaseIds } = options;
  const standard = info.queues.find((q) => !q.fifo)!;
  const fifoQueue = info.queues.find((q) => q.fifo);
  const out: AimedWorkload = { ids: new Map(), fifo: new Map() };
  const sqs = new SQSClient({
    region: info.region,
    endpoint: info.sqsEndpoint,
    credentials: { ...LOCAL_CREDENTIALS },
  });
  try {
    const plain = [
      ['retry-after', AIMED_TYPES.retryAfter],
      ['lease-lost', AIMED_TYPES.leaseLost],
    ] as const;
    for (const [fault, type] of plain) {
      const envelopes = Array.from({ length: countOf(tasks, rates[fault]) }, (_, n) =>
        newEnvelope(
          {
            type,
            payload: { n },
            priority: standard.priority,
            idempotencyKey: `${seed}-${fault}-${n}`,
          },
          Date.now(),
        ),
      );
      if (fault === 'lease-lost') for (const e of envelopes) leaseIds.add(e.id);
      await sendAll(
        sqs,
        standard.url,
        envelopes.map((e) => ({ body: JSON.stringify(e) })),
      );
      out.ids.set(
        fault,
        envelopes.map((e) => e.id),
      );
      if (fault === 'retry-after') for (const e of envelopes) faults.record(fault, e.id);
    }
    const doomed = fifoQueue ? countOf(tasks, rates['fifo-dlq']) : 0;
    const envelopes = Array.from({ length: doomed }, (_, n) =>
      newEnvelope(
        {
          type: AIMED_TYPES.fifoDlq,
          payload: { n },
          priority: fifoQueue!.priority,
          idempotencyKey: `${seed}-fifo-dlq-${n}`,
        },
        Date.now(),
      ),
    );
    const groups = envelopes.map((e, n) => ({
      body: JSON.stringify(e),
      groupId: `chaos-group-${n % 2}`,
      deduplicationId: `chaos-${seed}-fifo-${n}`,
    }));
    const messageIds = fifoQueue ? await sendAll(sqs, fifoQueue.url, groups) : [];
    for (const [i, e] of envelopes.entries()) {
      faults.record('fifo-dlq', e.id);
      // The consumer's DLQ copy is deduplicated by the source message's id.
      out.fifo.set(e.id, { groupId: groups[i]!.groupId, deduplicationId: messageIds[i]! });
    }
    out.ids.set(
      'fifo-dlq',
      envelopes.map((e) => e.id),
    );
  } finally {
    sqs.destroy();
  }
  return out;
}

/** Sends in batches of ten; returns the message ids in order. This client has no faults. */
async function sendAll(
  sqs: SQSClient,
  url: string,
  messages: { body: string; groupId?: string; deduplicationId?: string }[],
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < messages.length; i += 10) {
    const chunk = messages.slice(i, i + 10);
    const out = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: chunk.map((m, j) => ({
          Id: String(j),
          MessageBody: m.body,
          MessageGroupId: m.groupId,
          MessageDeduplicationId: m.deduplicationId,
        })),
      }),
    );
    if (out.Failed?.length) throw new Error(`aimed send failed: ${JSON.stringify(out.Failed)}`);
    const byId = new Map((out.Successful ?? []).map((s) => [s.Id, s.MessageId ?? '']));
    ids.push(...chunk.map((_, j) => byId.get(String(j)) ?? ''));
  }
  return ids;
}
