import { backoffDelayMs } from '../backoff.js';
import { type Envelope, parseEnvelope } from '../envelope.js';
import {
  AttemptsExhaustedError,
  DeadlineError,
  PoisonMessageError,
  type TaskpipeError,
  toTaskpipeError,
} from '../errors.js';
import type { Clock, LogFields, Logger, QueuePort, TaskMetrics, TaskStore } from '../ports.js';
import type { TaskRegistry } from '../registry.js';
import type { TaskRecord } from '../status.js';
import type { AnyTaskDefinition } from '../task.js';
import { deadLetterAttributes } from './deadLetterAttributes.js';
import type { Enqueuer } from './Enqueuer.js';
import { handlerContext } from './handlerContext.js';
import { runWithTimeout } from './runWithTimeout.js';
import type { FailureReason, Invocation, QueueMessage, RecordOutcome } from './types.js';

/** SQS caps a message's visibility timeout at 12 hours. */
const MAX_VISIBILITY_SECONDS = 43_200;

export interface TaskProcessorDeps {
  registry: TaskRegistry;
  store: TaskStore;
  queue: QueuePort;
  enqueuer: Enqueuer;
  clock: Clock;
  logger: Logger;
  metrics: TaskMetrics;
  /** No record starts with less time than this left; handlers are aborted this early. */
  safetyMarginMs: number;
  random?: () => number;
}

/**
 * Turns one queue message into a finished, retried, deferred or dead-lettered task
 * (DESIGN §4–§6). It never throws for a task's own failure; it throws only when it could
 * not record what happened, and then the message must be redelivered.
 */
export class TaskProcessor {
  constructor(private readonly deps: TaskProcessorDeps) {}

  async process(message: QueueMessage, invocation: Invocation): Promise<RecordOutcome> {
    const { clock, safetyMarginMs } = this.deps;
    const remainingMs = invocation.deadline - clock.now();
    if (remainingMs < safetyMarginMs) {
      this.deps.logger.warn('record not started: invocation deadline near', {
        messageId: message.messageId,
        error: new DeadlineError(remainingMs).message,
      });
      return { kind: 'not_started', ack: false, remainingMs };
    }

    let envelope: Envelope;
    try {
      envelope = parseEnvelope(message.body);
    } catch (error) {
      if (!(error instanceof PoisonMessageError)) throw error;
      return this.poison(message, error);
    }
    const definition = this.deps.registry.has(envelope.type)
      ? this.deps.registry.get(envelope.type)
      : undefined;

    const claim = await this.deps.store.claim({
      id: envelope.id,
      type: envelope.type,
      priority: envelope.priority,
      // The queue's maxReceiveCount exceeds the largest task policy, not an arbitrary envelope
      // value: capping here keeps SQS's redrive from taking a task that still has attempts.
      maxAttempts: Math.min(
        envelope.maxAttempts ?? definition?.maxAttempts ?? 1,
        this.deps.registry.largestMaxAttempts,
      ),
      enqueuedAt: Date.parse(envelope.enqueuedAt),
      leaseUntil: invocation.deadline,
      ...(envelope.idempotencyKey ? { idempotencyKey: envelope.idempotencyKey } : {}),
    });
    if (claim.kind === 'finished') {
      const { record } = claim;
      if (record.status === 'FAILED' && record.deadLetteredAt === undefined) {
        // Recorded FAILED, but its DLQ copy never went out: send it now from this delivery.
        await this.deadLetter(message, failureFacts(record), record);
        await this.deps.store.markDeadLettered(record.id);
      }
      this.deps.metrics.record({ type: envelope.type, outcome: 'duplicate' });
      return { kind: 'duplicate', ack: true, taskId: envelope.id, status: record.status };
    }
    if (claim.kind === 'leased') {
      const delayMs = claim.leaseRemainingMs;
      await this.setVisibility(message, delayMs);
      this.deps.metrics.record({ type: envelope.type, outcome: 'deferred' });
      return { kind: 'deferred', ack: false, taskId: envelope.id, delayMs };
    }

    const record = claim.record;
    this.deps.metrics.record({
      type: envelope.type,
      outcome: 'started',
      queueWaitMs: Math.max(0, clock.now() - message.sentTimestamp),
    });
    if (!definition) {
      const error = new PoisonMessageError(
        'unknown_type',
        `unknown task type ${JSON.stringify(envelope.type)}; known types: ${this.deps.registry.types.join(', ')}`,
      );
      return this.fail(message, record, 'unknown_type', error);
    }
    if (record.attempts > record.maxAttempts) {
      // An earlier attempt died with the invocation (crash or timeout) and used the last try.
      const error = new AttemptsExhaustedError(record.attempts - 1, record.maxAttempts);
      return this.fail(message, record, 'attempts_exhausted', error);
    }
    return this.run(message, envelope, definition, record, invocation);
  }

  private async run(
    message: QueueMessage,
    envelope: Envelope,
    definition: AnyTaskDefinition,
    record: TaskRecord,
    invocation: Invocation,
  ): Promise<RecordOutcome> {
    const { clock, logger } = this.deps;
    let payload: unknown;
    try {
      payload = this.deps.registry.parsePayload(definition.type, envelope.payload);
    } catch (error) {
      return this.fail(message, record, 'invalid_payload', toTaskpipeError(error));
    }

    const attempt = record.attempts;
    const untilDeadline = invocation.deadline - clock.now() - this.deps.safetyMarginMs;
    const timeoutMs = Math.min(definition.timeoutMs, untilDeadline);
    const started = clock.now();
    const log = { taskId: record.id, type: record.type, attempt, messageId: message.messageId };
    try {
      const result = await runWithTimeout(
        (signal) =>
          definition.handler(
            payload,
            handlerContext(record, signal, this.deps.logger, this.deps.enqueuer),
          ),
        timeoutMs,
        timeoutMs < definition.timeoutMs ? 'deadline' : 'task_timeout',
      );
      const durationMs = clock.now() - started;
      const finished = await this.deps.store.finish(record.id, attempt, {
        status: 'SUCCEEDED',
        result: result ?? null,
      });
      if (!finished.ok) return this.leaseLost(record, log);
      this.deps.metrics.record({ type: record.type, outcome: 'succeeded', durationMs });
      logger.info('task succeeded', { ...log, durationMs });
      return { kind: 'succeeded', ack: true, taskId: record.id, attempt };
    } catch (thrown) {
      const error = toTaskpipeError(thrown);
      const durationMs = clock.now() - started;
      this.deps.metrics.record({ type: record.type, outcome: 'failed', durationMs });
      if (!error.retryable) return this.fail(message, record, 'permanent', error);
      if (attempt >= record.maxAttempts) {
        return this.fail(message, record, 'attempts_exhausted', error);
      }
      return this.retry(message, definition, record, error, log);
    }
  }

  private async retry(
    message: QueueMessage,
    definition: AnyTaskDefinition,
    record: TaskRecord,
    error: TaskpipeError,
    log: LogFields,
  ): Promise<RecordOutcome> {
    const attempt = record.attempts;
    const requested =
      'retryAfterMs' in error ? (error.retryAfterMs as number | undefined) : undefined;
    const delayMs = Math.min(
      requested ?? backoffDelayMs(attempt, definition.backoff, this.deps.random),
      MAX_VISIBILITY_SECONDS * 1000,
    );
    const marked = await this.deps.store.markRetrying(
      record.id,
      attempt,
      errorInfo(error),
      this.deps.clock.now() + delayMs,
    );
    if (!marked.ok) return this.leaseLost(record, log);
    await this.setVisibility(message, delayMs);
    this.deps.metrics.record({ type: record.type, outcome: 'retried' });
    this.deps.logger.warn('task will retry', { ...log, delayMs, error: errorInfo(error) });
    return { kind: 'retry', ack: false, taskId: record.id, attempt, delayMs };
  }

  /** Poison without a task id: only a DLQ copy records it. */
  private async poison(message: QueueMessage, error: PoisonMessageError): Promise<RecordOutcome> {
    await this.deadLetter(message, { reason: 'poison', code: error.code, message: error.message });
    this.deps.metrics.record({ type: 'unknown', outcome: 'poison' });
    this.deps.logger.error('poison message dead-lettered', {
      messageId: message.messageId,
      error: errorInfo(error),
    });
    return { kind: 'failed', ack: true, reason: 'poison', code: error.code };
  }

  /**
   * FAILED first, so the decision stands even if what follows fails: a redelivery then finds
   * the task FAILED (never runs it again) and sends the DLQ copy that is still missing.
   */
  private async fail(
    message: QueueMessage,
    record: TaskRecord,
    reason: FailureReason,
    error: TaskpipeError,
  ): Promise<RecordOutcome> {
    const finished = await this.deps.store.finish(record.id, record.attempts, {
      status: 'FAILED',
      error: { ...errorInfo(error), details: { reason, ...detailsOf(error) } },
    });
    const log = { taskId: record.id, type: record.type, attempt: record.attempts };
    if (!finished.ok) return this.leaseLost(record, log);
    await this.deadLetter(message, { reason, code: error.code, message: error.message }, record);
    await this.deps.store.markDeadLettered(record.id);
    const poison = reason === 'unknown_type' || reason === 'invalid_payload';
    this.deps.metrics.record({ type: record.type, outcome: poison ? 'poison' : 'failed' });
    this.deps.logger.error('task failed', { ...log, reason, error: errorInfo(error) });
    return { kind: 'failed', ack: true, taskId: record.id, reason, code: error.code };
  }

  private async deadLetter(
    message: QueueMessage,
    failure: { reason: FailureReason; code: string; message: string },
    record?: TaskRecord,
  ): Promise<void> {
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
        ? { groupId: message.messageGroupId ?? 'default', deduplicationId: message.messageId }
        : {}),
    });
  }

  /** A newer attempt owns the task; leave the message to be redelivered and resolved then. */
  private leaseLost(record: TaskRecord, log: LogFields): RecordOutcome {
    this.deps.logger.warn('lease lost to a newer attempt; result not recorded', log);
    return { kind: 'lease_lost', ack: false, taskId: record.id, attempt: record.attempts };
  }

  private async setVisibility(message: QueueMessage, delayMs: number): Promise<void> {
    const seconds = Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.ceil(delayMs / 1000)));
    await this.deps.queue.changeVisibility(message.queue.url, message.receiptHandle, seconds);
  }
}

function errorInfo(error: TaskpipeError): { code: string; message: string } {
  return { code: error.code, message: error.message };
}

function detailsOf(error: TaskpipeError): object {
  return error.details && typeof error.details === 'object' ? error.details : {};
}

/** The DLQ facts of a task already recorded FAILED. */
function failureFacts(record: TaskRecord): {
  reason: FailureReason;
  code: string;
  message: string;
} {
  const details = record.lastError?.details as { reason?: FailureReason } | undefined;
  return {
    reason: details?.reason ?? 'permanent',
    code: record.lastError?.code ?? 'unknown',
    message: record.lastError?.message ?? '(no message recorded)',
  };
}
