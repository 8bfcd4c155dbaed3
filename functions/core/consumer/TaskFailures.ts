import type { PoisonMessageError, TaskpipeError } from '../errors.js';
import type { Clock, Logger, QueuePort, TaskMetrics, TaskStore } from '../ports.js';
import { recordWithRetries } from '../recordWithRetries.js';
import type { TaskErrorInfo, TaskRecord } from '../status.js';
import type { Attempt } from './Attempt.js';
import { deadLetterAttributes } from './deadLetterAttributes.js';
import { leaseLost } from './leaseLost.js';
import type { FailureReason, QueueMessage, RecordOutcome } from './types.js';

type Failure = { reason: FailureReason; code: string; message: string };

/**
 * The failure path: FAILED in the table, a copy in the DLQ, the original acknowledged.
 * FAILED comes first so the decision stands whatever fails next; a redelivery that finds
 * the task FAILED without `deadLetteredAt` sends the copy that is still missing.
 */
export class TaskFailures {
  constructor(
    private readonly deps: {
      store: TaskStore;
      queue: QueuePort;
      clock: Clock;
      logger: Logger;
      metrics: TaskMetrics;
    },
  ) {}

  /** Poison without a task id: only a DLQ copy records it. */
  async poison(message: QueueMessage, error: PoisonMessageError): Promise<RecordOutcome> {
    await this.deadLetter(message, { reason: 'poison', code: error.code, message: error.message });
    this.deps.metrics.record({ type: 'unknown', outcome: 'poison' });
    this.deps.logger.error('poison message dead-lettered', {
      messageId: message.messageId,
      error: { code: error.code, message: error.message },
    });
    return { kind: 'failed', ack: true, reason: 'poison', code: error.code };
  }

  async fail(
    message: QueueMessage,
    attempt: Attempt,
    reason: FailureReason,
    error: TaskpipeError,
    /** A handler's error with its stack; by default the error's code and message. */
    recorded: TaskErrorInfo = { code: error.code, message: error.message },
  ): Promise<RecordOutcome> {
    const { record } = attempt;
    const info = { code: error.code, message: error.message };
    const finished = await recordWithRetries(() =>
      attempt.end({
        status: 'FAILED',
        error: { ...recorded, details: { reason, ...detailsOf(error) } },
      }),
    );
    const log = { taskId: record.id, type: record.type, attempt: record.attempts };
    if (!finished.ok) return leaseLost(this.deps.logger, record, log);
    await this.deadLetter(message, { reason, ...info }, record);
    await this.deps.store.markDeadLettered(record.id, record.attempts);
    const poison = reason === 'unknown_type' || reason === 'invalid_payload';
    this.deps.metrics.record({ type: record.type, outcome: poison ? 'poison' : 'failed' });
    this.deps.logger.error('task failed', { ...log, reason, error: recorded });
    return { kind: 'failed', ack: true, taskId: record.id, reason, code: error.code };
  }

  /** For a delivery that finds its task FAILED: sends the DLQ copy if none went out. */
  async ensureDeadLettered(message: QueueMessage, record: TaskRecord): Promise<void> {
    if (record.status !== 'FAILED' || record.deadLetteredAt !== undefined) return;
    await this.deadLetter(message, recordedFailure(record), record);
    await this.deps.store.markDeadLettered(record.id, record.attempts);
  }

  private async deadLetter(message: QueueMessage, failure: Failure, record?: TaskRecord) {
    const attributes = deadLetterAttributes(
      {
        ...failure,
        sourceQueue: message.queue.name,
        failedAt: this.deps.clock.now(),
        ...(record ? { taskId: record.id, attempts: record.attempts } : {}),
      },
      message.attributes,
    );
    await this.deps.queue.send(message.queue.dlqUrl, message.body, {
      attributes,
      ...(message.queue.fifo
        ? // Stryker disable next-line StringLiteral: SQS gives every FIFO message a group; the fallback only satisfies the type
          { groupId: message.messageGroupId ?? 'default', deduplicationId: message.messageId }
        : {}),
    });
  }
}

function detailsOf(error: TaskpipeError): object {
  return error.details && typeof error.details === 'object' ? error.details : {};
}

/** The DLQ facts of a task already recorded FAILED. */
function recordedFailure(record: TaskRecord): Failure {
  const details = record.lastError?.details as { reason?: FailureReason } | undefined;
  return {
    reason: details?.reason ?? 'permanent',
    code: record.lastError?.code ?? 'unknown',
    message: record.lastError?.message ?? '(no message recorded)',
  };
}
