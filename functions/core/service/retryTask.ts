import { ENVELOPE_VERSION, type Envelope } from '../envelope.js';
import type { Clock, Logger, QueuePort, QueueRoute, TaskStore } from '../ports.js';
import { recordWithRetries } from '../recordWithRetries.js';
import type { TaskRegistry } from '../registry.js';
import type { TaskRecord } from '../status.js';
import {
  EnqueueFailedError,
  errorSummary,
  stateConflict,
  TaskNotFoundError,
  TaskStateConflictError,
} from './errors.js';
import { messageFor } from './prepareTask.js';

export interface RetryDeps {
  registry: TaskRegistry;
  store: TaskStore;
  queue: QueuePort;
  routes: ReadonlyMap<string, QueueRoute>;
  clock: Clock;
  logger: Logger;
}

/**
 * An operator's retry of a FAILED task: one conditional write back to QUEUED (attempts
 * kept, `maxAttempts` raised by the type's own), then the stored payload is sent again. If
 * the send fails, the task is put back to FAILED, so no QUEUED row is left without a message.
 */
export async function retryFailedTask(deps: RetryDeps, record: TaskRecord): Promise<TaskRecord> {
  const { id } = record;
  if (record.status !== 'FAILED') throw stateConflict(record.status, 'retry');
  const route = deps.routes.get(record.priority);
  if (!deps.registry.has(record.type) || !route) {
    throw new TaskStateConflictError(
      record.status,
      'the task type or its priority is no longer configured',
    );
  }
  const extra = deps.registry.get(record.type).maxAttempts;
  const requeued = await deps.store.requeue(id, record.attempts, extra);
  if (!requeued.ok) {
    if (requeued.payloadMissing) {
      throw new TaskStateConflictError(
        'FAILED',
        'the task was enqueued straight to SQS, so its payload was not stored; redrive its dead-letter copy instead',
        'payload_not_stored',
      );
    }
    if (!requeued.current) throw new TaskNotFoundError();
    throw stateConflict(requeued.current.status, 'retry');
  }
  // No maxAttempts in the envelope: the row holds the raised value, which may pass the
  // envelope's own cap.
  const envelope: Envelope = {
    v: ENVELOPE_VERSION,
    id,
    type: record.type,
    payload: requeued.payload,
    priority: record.priority,
    enqueuedAt: new Date(deps.clock.now()).toISOString(),
    ...(record.idempotencyKey ? { idempotencyKey: record.idempotencyKey } : {}),
  };
  const message = messageFor(envelope, route);
  try {
    await deps.queue.send(route.url, message.body, {
      ...message,
      // A FIFO queue would drop a second message with the first one's deduplication id.
      ...(route.fifo ? { deduplicationId: `${id}-retry-${record.attempts}` } : {}),
    });
  } catch (error) {
    await restoreFailed(deps, record);
    throw new EnqueueFailedError(
      'the task could not be sent to its queue; it is still FAILED, try again',
      { cause: error },
    );
  }
  deps.logger.info('task retried', { taskId: id, type: record.type, attempts: record.attempts });
  return requeued.record;
}

async function restoreFailed(deps: RetryDeps, record: TaskRecord): Promise<void> {
  const { id } = record;
  try {
    await recordWithRetries(() =>
      deps.store.revertRequeue(id, record.attempts, record.deadLetteredAt),
    );
  } catch (error) {
    deps.logger.error('rollback failed: a requeued row may have no message', {
      taskId: id,
      error: errorSummary(error),
    });
  }
}
