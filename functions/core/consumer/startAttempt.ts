import type { Envelope } from '../envelope.js';
import type { Clock, Logger, TaskStore } from '../ports.js';
import type { TaskRegistry } from '../registry.js';
import type { AnyTaskDefinition } from '../task.js';
import { linksField } from '../workflow/taskLinks.js';
import { type AttemptStart, claimAttempt, readAttempt } from './Attempt.js';
import { isUnrecordedFirstDelivery } from './firstDelivery.js';
import type { Invocation, QueueMessage } from './types.js';

/**
 * Claims the task (tracking `full`, and unknown types) or reads it (lower levels; not on the
 * first delivery of a task sent with no row, which has nothing to read).
 */
export function startAttempt(
  deps: { registry: TaskRegistry; store: TaskStore; clock: Clock; logger: Logger },
  message: QueueMessage,
  envelope: Envelope,
  definition: AnyTaskDefinition | undefined,
  invocation: Invocation,
): Promise<AttemptStart> {
  // The queue's maxReceiveCount exceeds the largest task policy, not an arbitrary envelope
  // value: capping here keeps SQS's redrive from taking a task that still has attempts.
  // The API refuses such a value; a raw SQS producer cannot be refused, so it is told here.
  const { largestMaxAttempts } = deps.registry;
  if ((envelope.maxAttempts ?? 0) > largestMaxAttempts) {
    deps.logger.warn('envelope maxAttempts capped to what the queue redrive allows', {
      taskId: envelope.id,
      maxAttempts: envelope.maxAttempts,
      cappedTo: largestMaxAttempts,
    });
  }
  const request = {
    id: envelope.id,
    type: envelope.type,
    priority: envelope.priority,
    maxAttempts: Math.min(envelope.maxAttempts ?? definition?.maxAttempts ?? 1, largestMaxAttempts),
    enqueuedAt: Date.parse(envelope.enqueuedAt),
    sentAt: message.sentTimestamp,
    ...(envelope.idempotencyKey ? { idempotencyKey: envelope.idempotencyKey } : {}),
    ...linksField(envelope),
  };
  if (!definition || definition.tracking === 'full') {
    return claimAttempt(deps.store, { ...request, leaseUntil: invocation.deadline });
  }
  const { store, clock } = deps;
  const { receiveCount } = message;
  const read = !isUnrecordedFirstDelivery(message, envelope);
  return readAttempt(store, request, definition.tracking, receiveCount, clock.now(), read);
}
