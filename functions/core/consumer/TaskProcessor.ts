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
import { recordWithRetries } from '../recordWithRetries.js';
import type { TaskRegistry } from '../registry.js';
import type { AnyTaskDefinition } from '../task.js';
import { childSpan, newTrace, parseTraceparent } from '../trace/traceparent.js';
import { enterTrace, runInTraceScope } from '../trace/traceScope.js';
import type { Workflows } from '../workflow/Workflows.js';
import type { Attempt } from './Attempt.js';
import type { FlowControl } from './admission/FlowControl.js';
import type { Enqueuer } from './Enqueuer.js';
import { handlerErrorInfo } from './errorInfo.js';
import { handlerContext } from './handlerContext.js';
import { leaseLost } from './leaseLost.js';
import { runWithTimeout } from './runWithTimeout.js';
import { startAttempt } from './startAttempt.js';
import { TaskFailures } from './TaskFailures.js';
import type { Invocation, QueueMessage, RecordOutcome } from './types.js';

/**
 * SQS caps a message's visibility at 12 hours counted from its receipt; keep the time this
 * invocation may already have spent on it out of that budget.
 */
const MAX_DELAY_SECONDS = 43_200 - 15 * 60;
/** The least time a handler gets (or its whole timeout, if shorter) before it is started. */
const MIN_HANDLER_BUDGET_MS = 1_000;

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
  /** Groups and chains; without them, tasks with workflow links are run as plain tasks. */
  workflows?: Workflows;
  /** Flow control (rate limits, key concurrency…); without it, every task is admitted. */
  flow?: FlowControl;
}

/**
 * Turns one queue message into a finished, retried, deferred or dead-lettered task
 * (DESIGN §4–§6). It never throws for a task's own failure; it throws only when it could
 * not record what happened, and then the message must be redelivered.
 */
export class TaskProcessor {
  private readonly failures: TaskFailures;

  constructor(private readonly deps: TaskProcessorDeps) {
    this.failures = new TaskFailures(deps);
  }

  /** Each record in a trace scope of its own: its log lines and follow-ups carry its trace. */
  process(message: QueueMessage, invocation: Invocation): Promise<RecordOutcome> {
    return runInTraceScope(async () => {
      const outcome = await this.processRecord(message, invocation);
      // The workflow hook: counts a group member, enqueues a chain's next step. It runs for a
      // redelivery of an ended task too, which replays it after a crash.
      await this.deps.workflows?.taskEnded(message, outcome, invocation);
      return outcome;
    });
  }

  /** This attempt's span in the producer's trace, or in a new one if none came. */
  private enterTaskTrace(envelope: Envelope): void {
    const producer = parseTraceparent(envelope.traceparent);
    if (envelope.traceparent !== undefined && !producer) {
      this.deps.logger.warn('traceparent is not valid W3C trace context; a new trace starts', {
        taskId: envelope.id,
      });
    }
    enterTrace(childSpan(producer ?? newTrace()));
  }

  private async processRecord(
    message: QueueMessage,
    invocation: Invocation,
  ): Promise<RecordOutcome> {
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
      // Stryker disable next-line ConditionalExpression: parseEnvelope throws only PoisonMessageError (JSON.parse's error is wrapped, the schema uses safeParse); the guard keeps a future one from being dead-lettered as poison
      if (!(error instanceof PoisonMessageError)) throw error;
      return this.failures.poison(message, error);
    }
    this.enterTaskTrace(envelope);
    const definition = this.deps.registry.has(envelope.type)
      ? this.deps.registry.get(envelope.type)
      : undefined;
    // A claim spends an attempt: do not claim what would be aborted as soon as it starts.
    const budgetMs = invocation.deadline - clock.now() - safetyMarginMs;
    if (definition && budgetMs < Math.min(definition.timeoutMs, MIN_HANDLER_BUDGET_MS)) {
      return { kind: 'not_started', ack: false, remainingMs: budgetMs + safetyMarginMs };
    }

    const attempt = () => this.attempt(message, envelope, definition, invocation);
    const { flow } = this.deps;
    return definition && flow ? flow.around(message, envelope, definition, attempt) : attempt();
  }

  /** Claims (or reads) the task, then runs it, or says why it did not. */
  private async attempt(
    message: QueueMessage,
    envelope: Envelope,
    definition: AnyTaskDefinition | undefined,
    invocation: Invocation,
  ): Promise<RecordOutcome> {
    const start = await startAttempt(this.deps, message, envelope, definition, invocation);
    if (start.kind === 'finished') {
      const { record } = start;
      await this.failures.ensureDeadLettered(message, record);
      this.deps.metrics.record({ type: envelope.type, outcome: 'duplicate' });
      return { kind: 'duplicate', ack: true, taskId: envelope.id, status: record.status, record };
    }
    if (start.kind === 'leased') {
      const delayMs = start.leaseRemainingMs;
      await this.setVisibility(message, delayMs);
      this.deps.metrics.record({ type: envelope.type, outcome: 'deferred' });
      return { kind: 'deferred', ack: false, taskId: envelope.id, delayMs };
    }

    const { attempt } = start;
    const { record } = attempt;
    this.deps.metrics.record({
      type: envelope.type,
      outcome: 'started',
      queueWaitMs: Math.max(0, this.deps.clock.now() - message.sentTimestamp),
    });
    if (!definition) {
      const error = new PoisonMessageError(
        // Stryker disable next-line StringLiteral: the consumer records the error's code, message and details; a PoisonMessageError's reason is read only by the API's error responses
        'unknown_type',
        `unknown task type ${JSON.stringify(envelope.type)}; known types: ${this.deps.registry.types.join(', ')}`,
      );
      return this.failures.fail(message, attempt, 'unknown_type', error);
    }
    if (record.attempts > record.maxAttempts) {
      // An earlier attempt died with the invocation (crash or timeout) and used the last try.
      const error = new AttemptsExhaustedError(record.attempts - 1, record.maxAttempts);
      return this.failures.fail(message, attempt, 'attempts_exhausted', error);
    }
    return this.run(message, envelope, definition, attempt, invocation);
  }

  private async run(
    message: QueueMessage,
    envelope: Envelope,
    definition: AnyTaskDefinition,
    task: Attempt,
    invocation: Invocation,
  ): Promise<RecordOutcome> {
    const { clock, logger } = this.deps;
    const { record } = task;
    let payload: unknown;
    try {
      payload = this.deps.registry.parsePayload(definition.type, envelope.payload);
    } catch (error) {
      return this.failures.fail(message, task, 'invalid_payload', toTaskpipeError(error));
    }

    const attempt = record.attempts;
    const untilDeadline = invocation.deadline - clock.now() - this.deps.safetyMarginMs;
    const timeoutMs = Math.min(definition.timeoutMs, untilDeadline);
    const started = clock.now();
    const log = { taskId: record.id, type: record.type, attempt, messageId: message.messageId };
    let result: unknown;
    try {
      result = await runWithTimeout(
        (signal) =>
          definition.handler(
            payload,
            handlerContext(record, signal, this.deps.logger, this.deps.enqueuer, {
              links: envelope,
              ...(this.deps.workflows ? { tools: this.deps.workflows } : {}),
            }),
          ),
        timeoutMs,
        timeoutMs < definition.timeoutMs
          ? 'deadline'
          : // Stryker disable next-line StringLiteral: TaskTimeoutError words every reason but 'deadline' as the task's own timeout
            'task_timeout',
      );
    } catch (thrown) {
      const error = toTaskpipeError(thrown);
      // Duration only: the outcome is counted once, as retried or (finally) failed.
      const durationMs = clock.now() - started;
      this.deps.metrics.record({ type: record.type, outcome: 'attempted', durationMs });
      const info = handlerErrorInfo(error);
      if (!error.retryable) return this.failures.fail(message, task, 'permanent', error, info);
      if (attempt >= record.maxAttempts) {
        return this.failures.fail(message, task, 'attempts_exhausted', error, info);
      }
      return this.retry(message, definition, task, error, log);
    }
    // Outside the try: a store error here is not the handler's failure. It escapes, the
    // record is reported failed, and the redelivery finds the lease (or claims again).
    const durationMs = clock.now() - started;
    const finished = await recordWithRetries(() =>
      task.end({ status: 'SUCCEEDED', result: result ?? null }),
    );
    if (!finished.ok) return leaseLost(this.deps.logger, record, log);
    this.deps.metrics.record({ type: record.type, outcome: 'succeeded', durationMs });
    logger.info('task succeeded', { ...log, durationMs });
    return { kind: 'succeeded', ack: true, taskId: record.id, attempt, record: finished.record };
  }

  private async retry(
    message: QueueMessage,
    definition: AnyTaskDefinition,
    task: Attempt,
    error: TaskpipeError,
    log: LogFields,
  ): Promise<RecordOutcome> {
    const { record } = task;
    const attempt = record.attempts;
    const requested: unknown = 'retryAfterMs' in error ? error.retryAfterMs : undefined;
    const delayMs = Math.min(
      // Number.isFinite is false for anything but a finite number, undefined included.
      Number.isFinite(requested) && (requested as number) >= 0
        ? (requested as number)
        : backoffDelayMs(attempt, definition.backoff, this.deps.random),
      MAX_DELAY_SECONDS * 1000,
    );
    const marked = await task.end({
      status: 'RETRYING',
      error: handlerErrorInfo(error),
      nextAttemptAt: this.deps.clock.now() + delayMs,
    });
    if (!marked.ok) return leaseLost(this.deps.logger, record, log);
    await this.setVisibility(message, delayMs);
    this.deps.metrics.record({ type: record.type, outcome: 'retried' });
    // A retry is routine (its end, if it fails, is an error): info, not a warning.
    this.deps.logger.info('task will retry', { ...log, delayMs, error: handlerErrorInfo(error) });
    return { kind: 'retry', ack: false, taskId: record.id, attempt, delayMs };
  }

  private async setVisibility(message: QueueMessage, delayMs: number): Promise<void> {
    const seconds = Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(delayMs / 1000)));
    await this.deps.queue.changeVisibility(message.queue.url, message.receiptHandle, seconds);
  }
}
