import type { Envelope } from '../../envelope.js';
import type { Clock, Logger, MessageAttributes, QueuePort, TaskMetrics } from '../../ports.js';
import type { QueueMessage, RecordOutcome } from '../types.js';
import type { Deferral, DeferralLog } from './types.js';

/** SQS's largest per-message delay; a longer wait is several hops. */
export const MAX_HOP_SECONDS = 900;
/** SQS takes at most 10 message attributes. */
const MAX_ATTRIBUTES = 10;

/** The attributes a deferred copy carries. */
export const DEFERRAL_ATTRIBUTES = {
  /** How many times the task was deferred: a count, never an attempt. */
  count: 'taskpipe.deferrals',
  reason: 'taskpipe.deferred-reason',
  /** Epoch ms the wait ends, when it is longer than one hop. */
  until: 'taskpipe.deferred-until',
  /** JSON of the deferral's detail, for the hops after the first. */
  detail: 'taskpipe.deferred-detail',
} as const;

/** How many deferrals the message's attributes count. */
export function deferralsOf(message: QueueMessage): number {
  const count = Number(message.attributes[DEFERRAL_ATTRIBUTES.count]);
  return Number.isInteger(count) && count >= 1 ? count : 0;
}

/**
 * A wait that an earlier hop started and that has not ended: its deferral, to hop again
 * without asking any gate (so a long wait costs no shared-state request per hop).
 */
export function unfinishedWait(message: QueueMessage, now: number): Deferral | undefined {
  const until = Number(message.attributes[DEFERRAL_ATTRIBUTES.until]);
  // Within a second of the end, the wait is over: a hop is at least one second.
  if (!Number.isFinite(until) || until - now < 1_000) return undefined;
  let detail: Deferral['detail'];
  try {
    // Stryker disable next-line StringLiteral: parsing '' throws, and the catch leaves no detail as null does
    detail = JSON.parse(message.attributes[DEFERRAL_ATTRIBUTES.detail] ?? 'null') ?? undefined;
  } /* Stryker disable next-line BlockStatement: `detail` is undefined until assigned */ catch {
    detail = undefined;
  }
  return {
    kind: 'defer',
    delayMs: until - now,
    reason: message.attributes[DEFERRAL_ATTRIBUTES.reason] ?? 'deferred',
    ...(detail ? { detail } : {}),
  };
}

/**
 * The one deferral mechanism (DESIGN §11): a copy of the message goes back to its queue
 * with `DelaySeconds`, and the original is acknowledged. A re-send is not a receive, so a
 * deferral, however long, never counts toward `maxReceiveCount` and spends no attempt.
 * Order: note, send, acknowledge. A failure before the send leaves the original to be
 * redelivered; a crash after it leaves two messages, and the claim runs the task once.
 */
export class Deferrer {
  constructor(
    private readonly deps: {
      queue: QueuePort;
      clock: Clock;
      logger: Logger;
      metrics: TaskMetrics;
      log?: DeferralLog;
    },
  ) {}

  async defer(
    message: QueueMessage,
    envelope: Envelope,
    maxAttempts: number,
    deferral: Deferral,
  ): Promise<RecordOutcome> {
    const { queue, clock, logger, metrics, log } = this.deps;
    const now = clock.now();
    const delayMs = Math.max(0, deferral.delayMs);
    const until = now + delayMs;
    // At least a second, or a gate answering 0 would spin the message through the queue.
    const delaySeconds = Math.min(MAX_HOP_SECONDS, Math.max(1, Math.ceil(delayMs / 1000)));
    const deferrals = deferralsOf(message) + 1;
    await log?.noteDeferral({
      id: envelope.id,
      type: envelope.type,
      priority: envelope.priority,
      maxAttempts,
      enqueuedAt: Date.parse(envelope.enqueuedAt),
      reason: deferral.reason,
      ...(deferral.detail ? { detail: deferral.detail } : {}),
      at: now,
      until,
    });
    const ours: MessageAttributes = {
      [DEFERRAL_ATTRIBUTES.count]: String(deferrals),
      [DEFERRAL_ATTRIBUTES.reason]: deferral.reason,
    };
    if (delaySeconds * 1000 < delayMs) {
      ours[DEFERRAL_ATTRIBUTES.until] = String(until);
      if (deferral.detail) ours[DEFERRAL_ATTRIBUTES.detail] = JSON.stringify(deferral.detail);
    }
    await queue.send(message.queue.url, message.body, {
      delaySeconds,
      attributes: copyAttributes(message.attributes, ours, logger),
    });
    metrics.record({ type: envelope.type, outcome: 'deferred' });
    logger.info('task deferred', {
      taskId: envelope.id,
      type: envelope.type,
      reason: deferral.reason,
      delayMs,
      deferrals,
    });
    return {
      kind: 'deferred_resent',
      ack: true,
      taskId: envelope.id,
      delayMs,
      reason: deferral.reason,
    };
  }
}

/** The message's own attributes with ours over them, within SQS's limit of ten. */
function copyAttributes(
  own: MessageAttributes,
  ours: MessageAttributes,
  logger: Logger,
): MessageAttributes {
  const kept = Object.entries(own).filter(
    ([name]) => !Object.values(DEFERRAL_ATTRIBUTES).includes(name as never),
  );
  const room = MAX_ATTRIBUTES - Object.keys(ours).length;
  if (kept.length > room) {
    logger.warn('deferred copy drops message attributes over the limit of ten', {
      dropped: kept.slice(room).map(([name]) => name),
    });
  }
  return { ...Object.fromEntries(kept.slice(0, room)), ...ours };
}
