import {
  BatchProcessor,
  EventType,
  processPartialResponse,
  SqsFifoPartialProcessorAsync,
} from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import pLimit from 'p-limit';
import { AdmissionGates } from '../core/consumer/admission/AdmissionGates.js';
import { Deferrer } from '../core/consumer/admission/Deferrer.js';
import { FlowControl } from '../core/consumer/admission/FlowControl.js';
import type { DeferralLog, GateFactory } from '../core/consumer/admission/types.js';
import { Enqueuer } from '../core/consumer/Enqueuer.js';
import { TaskProcessor } from '../core/consumer/TaskProcessor.js';
import type { RecordOutcome } from '../core/consumer/types.js';
import { TaskpipeError } from '../core/errors.js';
import {
  type Clock,
  type Logger,
  type QueuePort,
  type SigningKeys,
  systemClock,
  type TaskMetrics,
  type TaskStore,
} from '../core/ports.js';
import type { TaskRegistry } from '../core/registry.js';
import { tracedLogger } from '../core/trace/traceScope.js';
import type { GroupStore } from '../core/workflow/types.js';
import { Workflows } from '../core/workflow/Workflows.js';
import type { ConsumerConfig } from './config.js';
import { toQueueMessage } from './toQueueMessage.js';

export interface ConsumerDeps {
  config: ConsumerConfig;
  registry: TaskRegistry;
  store: TaskStore;
  /** Groups' fan-in state; without it, the consumer runs no group or chain hook. */
  groups?: GroupStore;
  queue: QueuePort;
  logger: Logger;
  metrics: TaskMetrics & { flush(): void };
  clock?: Clock;
  random?: () => number;
  /**
   * Flow control: each factory gives a type its gate, or none. A type with no gate makes
   * no request for it (DESIGN §11).
   */
  gates?: readonly GateFactory[];
  /** Where deferrals are noted for `status` and the console (the task row). */
  deferrals?: DeferralLog;
  /** Writes flow-control counts that are due (the breakers'); called after each batch. */
  flushFlow?: () => Promise<void>;
  /** Signs callbacks (docs/callbacks.md). */
  keys?: SigningKeys;
}

/** A record left for SQS to deliver again (retry, deferral, lost lease, deadline). */
export class RecordNotAcknowledged extends TaskpipeError {
  readonly code = 'retryable';
  readonly retryable = true;
  constructor(readonly outcome: RecordOutcome) {
    super(`record not acknowledged: ${outcome.kind}`);
  }
}

/** Every record of the batch hit an infrastructure error: fail the invocation so it shows. */
export class BatchFailedError extends TaskpipeError {
  readonly code = 'retryable';
  readonly retryable = true;
}

export type SqsConsumer = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/**
 * Builds the SQS → task consumer. Powertools' batch utility builds the partial-batch
 * response; records run through the core's TaskProcessor, at most `recordConcurrency` at a
 * time, and FIFO batches run in order with a group skipped after its first failure.
 */
export function createConsumer(consumerDeps: ConsumerDeps): SqsConsumer {
  // Every line logged while a record is handled names its trace.
  const deps = { ...consumerDeps, logger: tracedLogger(consumerDeps.logger) };
  const clock = deps.clock ?? systemClock;
  const routesByName = new Map(deps.config.queues.map((q) => [q.name, q]));
  const enqueuer = new Enqueuer({
    registry: deps.registry,
    queue: deps.queue,
    routes: deps.config.queues,
    clock,
  });
  const processor = new TaskProcessor({
    registry: deps.registry,
    store: deps.store,
    queue: deps.queue,
    enqueuer,
    clock,
    logger: deps.logger,
    metrics: deps.metrics,
    safetyMarginMs: deps.config.safetyMarginMs,
    ...(deps.random ? { random: deps.random } : {}),
    ...(deps.gates?.length ? { flow: flowControl(deps, deps.gates, clock) } : {}),
    ...(deps.groups
      ? {
          workflows: new Workflows({
            ...deps,
            groups: deps.groups,
            routes: deps.config.queues,
            enqueuer,
            clock,
          }),
        }
      : {}),
  });
  const limit = pLimit(deps.config.recordConcurrency);

  return async (event, context) => {
    const invocation = { deadline: clock.now() + context.getRemainingTimeInMillis() };
    let infrastructureFailures = 0;
    const handleRecord = async (record: SQSRecord): Promise<RecordOutcome> => {
      let outcome: RecordOutcome;
      try {
        outcome = await limit(() =>
          processor.process(toQueueMessage(record, routesByName), invocation),
        );
      } catch (error) {
        infrastructureFailures++;
        deps.logger.error('record not processed; SQS will deliver it again', {
          messageId: record.messageId,
          error,
        });
        throw error;
      }
      if (!outcome.ack) throw new RecordNotAcknowledged(outcome);
      return outcome;
    };

    const fifo = event.Records[0]?.eventSourceARN.endsWith('.fifo') ?? false;
    try {
      const response = fifo
        ? await processPartialResponse(event, handleRecord, new SqsFifoPartialProcessorAsync(), {
            context,
            skipGroupOnError: true,
            throwOnFullBatchFailure: false,
          })
        : await processPartialResponse(event, handleRecord, new BatchProcessor(EventType.SQS), {
            context,
            throwOnFullBatchFailure: false,
          });
      if (event.Records.length > 0 && infrastructureFailures === event.Records.length) {
        throw new BatchFailedError(
          `all ${event.Records.length} records failed on infrastructure errors; the batch returns to the queue`,
        );
      }
      return response;
    } finally {
      deps.metrics.flush();
      // Counts that cannot be written now are written with a later batch's.
      await deps.flushFlow?.().catch((error: unknown) =>
        deps.logger.warn('flow-control counts not written; they go with a later batch', {
          error,
        }),
      );
    }
  };
}

function flowControl(deps: ConsumerDeps, gates: readonly GateFactory[], clock: Clock): FlowControl {
  const { queue, logger, metrics } = deps;
  return new FlowControl({
    gates: new AdmissionGates(gates, deps.registry),
    deferrer: new Deferrer({
      queue,
      clock,
      logger,
      metrics,
      ...(deps.deferrals ? { log: deps.deferrals } : {}),
    }),
    clock,
    logger,
  });
}
