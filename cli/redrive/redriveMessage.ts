import { DeleteMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { type Envelope, parseEnvelope } from '../../functions/core/envelope.js';
import type { MessageAttributes, QueueRoute } from '../../functions/core/ports.js';
import { liveLeaseMs, type TaskRecord } from '../../functions/core/status.js';
import type { Target } from '../target.js';

/** What became of one dead letter. Only `moved` ones left the DLQ. */
export type RedriveOutcome =
  /** `withoutStatus`: the task had not ended (not FAILED): SQS dead-lettered it itself. */
  | { kind: 'moved'; taskId?: string; requeued: boolean; withoutStatus?: boolean }
  /** Left in the DLQ, with why. */
  | { kind: 'left'; taskId?: string; reason: string }
  /** Sent back, but the DLQ copy could not be deleted: it will show up again (a duplicate). */
  | { kind: 'not_deleted'; taskId?: string; reason: string };

function envelopeOf(body: string | undefined): Envelope | undefined {
  try {
    return parseEnvelope(body ?? '');
  } catch {
    return undefined;
  }
}

/** The message's own attributes, without the failure facts the consumer added. */
function originalAttributes(message: Message): MessageAttributes {
  const out: MessageAttributes = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    if (!name.startsWith('taskpipe.') && value.StringValue !== undefined) {
      out[name] = value.StringValue;
    }
  }
  return out;
}

/**
 * Moves one DLQ message back to `route`'s queue. A FAILED task is first set QUEUED by the
 * store's `requeue` (the write behind `TaskService.retry`), and set FAILED again if the send
 * fails; the DLQ copy is deleted only after the send succeeded, so nothing is lost. A task
 * that has not ended (QUEUED, RETRYING, RUNNING with an expired lease) was dead-lettered
 * without a status, by SQS after maxReceiveCount receives (a throttled invocation never
 * runs our code): it is set QUEUED too, and stays so if the send fails, since the consumer
 * can claim it either way. One whose task ended (SUCCEEDED, CANCELLED) or is running is
 * left. A body that is not an envelope goes back as it is only with `includePoison`.
 */
export async function redriveMessage(
  target: Target,
  route: QueueRoute,
  message: Message,
  includePoison: boolean,
): Promise<RedriveOutcome> {
  const envelope = envelopeOf(message.Body);
  if (!envelope) {
    if (!includePoison) return { kind: 'left', reason: 'poison' };
    return send(target, route, message, undefined, false, async () => {});
  }
  const id = envelope.id;
  const record = await target.store.get(id);
  if (!record) return withoutStatus(send(target, route, message, id, false, async () => {}));
  // SQS itself dead-letters after maxReceiveCount, which throttles, deferrals and crashed
  // invocations use up too: such a copy may be the only one of a task that has not ended.
  const unended = isUnended(record);
  if (!unended && record.status !== 'FAILED')
    return { kind: 'left', taskId: id, reason: `task_${record.status}` };
  const extra = target.registry.has(record.type) ? target.registry.get(record.type).maxAttempts : 1;
  // The DLQ copy carries the payload, so a task sent straight to SQS (no stored payload)
  // can be redriven too.
  const requeued = await target.store.requeue(id, record.attempts, extra, {
    requirePayload: false,
    unended,
  });
  if (!requeued.ok) {
    return { kind: 'left', taskId: id, reason: `task_${requeued.current?.status ?? 'gone'}` };
  }
  if (unended) return withoutStatus(send(target, route, message, id, true, async () => {}));
  return send(target, route, message, id, true, async () => {
    await target.store.revertRequeue(id, record.attempts, record.deadLetteredAt);
  });
}

/** A task the consumer can still claim: it has not ended, and no live lease holds it. */
export function isUnended(record: TaskRecord): boolean {
  return (
    record.status === 'QUEUED' ||
    record.status === 'RETRYING' ||
    (record.status === 'RUNNING' && liveLeaseMs(record, Date.now()) === undefined)
  );
}

async function withoutStatus(outcome: Promise<RedriveOutcome>): Promise<RedriveOutcome> {
  const out = await outcome;
  return out.kind === 'moved' ? { ...out, withoutStatus: true } : out;
}

async function send(
  target: Target,
  route: QueueRoute,
  message: Message,
  taskId: string | undefined,
  requeued: boolean,
  undo: () => Promise<void>,
): Promise<RedriveOutcome> {
  const fifo = route.fifo
    ? {
        groupId: message.Attributes?.MessageGroupId ?? taskId ?? message.MessageId ?? 'redrive',
        // A redrive that is run again within SQS's dedup window does not send twice.
        deduplicationId: `redrive-${message.MessageId}`,
      }
    : {};
  try {
    await target.queue.send(route.url, message.Body ?? '', {
      attributes: originalAttributes(message),
      ...fifo,
    });
  } catch (error) {
    const reason = `send_failed: ${(error as Error).name}`;
    const left = { kind: 'left', ...(taskId ? { taskId } : {}) } as const;
    try {
      await undo();
    } catch (undoError) {
      // The task stays QUEUED with its only copy in the DLQ; a new redrive sends it as it is.
      const stays = `the task stays QUEUED (restoring FAILED failed: ${(undoError as Error).message}); redrive again`;
      return { ...left, reason: `${reason}; ${stays}` };
    }
    return { ...left, reason };
  }
  try {
    await target.sqs.send(
      new DeleteMessageCommand({ QueueUrl: route.dlqUrl, ReceiptHandle: message.ReceiptHandle }),
    );
  } catch (error) {
    return { kind: 'not_deleted', ...(taskId ? { taskId } : {}), reason: (error as Error).name };
  }
  return { kind: 'moved', ...(taskId ? { taskId } : {}), requeued };
}
