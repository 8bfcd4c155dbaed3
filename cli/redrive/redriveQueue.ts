import { type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { DLQ_ATTRIBUTE } from '../../functions/core/consumer/deadLetterAttributes.js';
import type { QueueRoute } from '../../functions/core/ports.js';
import { attribute, releaseMessages } from '../queues.js';
import type { Target } from '../target.js';
import { type RedriveOutcome, redriveMessage } from './redriveMessage.js';

export interface QueueReport {
  queue: string;
  moved: number;
  requeued: number;
  /** Moved messages whose task had not ended: dead-lettered without a status. */
  withoutStatus: number;
  left: number;
  notDeleted: number;
  /** Why messages were left, with counts (poison, payload_not_stored, task_SUCCEEDED…). */
  reasons: Record<string, number>;
}

/** Long enough to send and delete one receive's worth; what is left is released at the end. */
const HOLD_SECONDS = 60;
/** Receives beyond the DLQ's depth at the start, before giving up on a queue that keeps filling. */
const EXTRA_RECEIVES = 100;

/**
 * Redrives one DLQ: receives its messages (hiding each for the run, so none is seen twice),
 * moves each back with {@link redriveMessage}, and makes what stays visible again at the
 * end. A message that failed after the run began (say, a redriven task failing again) is
 * not part of this run and is left for the next.
 */
export async function redriveQueue(
  target: Target,
  route: QueueRoute,
  options: {
    budget: { remaining: number };
    depthAtStart: number;
    includePoison: boolean;
    startedAt: number;
    onMessage: () => void;
  },
): Promise<QueueReport> {
  const report: QueueReport = {
    queue: route.priority,
    moved: 0,
    requeued: 0,
    withoutStatus: 0,
    left: 0,
    notDeleted: 0,
    reasons: {},
  };
  const count = (outcome: RedriveOutcome) => {
    if (outcome.kind === 'moved') {
      report.moved++;
      if (outcome.requeued) report.requeued++;
      if (outcome.withoutStatus) report.withoutStatus++;
      return;
    }
    if (outcome.kind === 'left') report.left++;
    else report.notDeleted++;
    report.reasons[outcome.reason] = (report.reasons[outcome.reason] ?? 0) + 1;
  };
  const { budget } = options;
  const held: Message[] = [];
  let received = 0;
  try {
    while (budget.remaining > 0 && received < options.depthAtStart + EXTRA_RECEIVES) {
      const { Messages = [] } = await target.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: route.dlqUrl,
          MaxNumberOfMessages: Math.min(10, budget.remaining),
          WaitTimeSeconds: 0,
          VisibilityTimeout: HOLD_SECONDS,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['All'],
        }),
      );
      if (Messages.length === 0) break;
      for (const message of Messages) {
        received++;
        const failedAt = Date.parse(attribute(message, DLQ_ATTRIBUTE.failedAt) ?? '');
        if (failedAt >= options.startedAt || budget.remaining <= 0) {
          held.push(message);
          continue;
        }
        budget.remaining--;
        const outcome = await redriveMessage(target, route, message, options.includePoison);
        if (outcome.kind === 'left') held.push(message);
        count(outcome);
        options.onMessage();
      }
    }
  } finally {
    // What stays in the DLQ is visible again at once, not after the hold.
    await releaseMessages(target.sqs, route.dlqUrl, held);
  }
  return report;
}
