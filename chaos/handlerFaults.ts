import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import type { SqsHandler } from '../local/esm/EventSourcePoller.js';
import { isAimedType } from './aimedTasks.js';
import type { FaultLog, FaultRates } from './faults.js';

/** Thrown after the consumer ran: the invocation "died" before its response. */
export class ChaosCrashError extends Error {
  override readonly name = 'ChaosCrashError';
}

export interface HandlerFaultDeps {
  rates: Pick<FaultRates, 'crash' | 'visibility-expiry'>;
  random: () => number;
  faults: FaultLog;
  /** Known once the pipeline runs: the SQS client and the queue URL per queue name. */
  target: () => { sqs: SQSClient; urlOf: (queueName: string) => string } | undefined;
  /** Rejections of the outside visibility change, kept so none goes unhandled. */
  onError: (error: unknown) => void;
}

/**
 * Wraps the consumer as the local event source invokes it. `visibility-expiry` makes one
 * in-flight record visible again while the consumer works on it, so another invocation
 * receives it concurrently; `crash` lets the consumer finish its side effects and then
 * throws, so the poller deletes nothing and the whole batch is delivered again.
 */
export function withHandlerFaults(handler: SqsHandler, deps: HandlerFaultDeps): SqsHandler {
  return async (event, context) => {
    const target = deps.target();
    const expiring = target && deps.random() < deps.rates['visibility-expiry'];
    const record = event.Records[Math.floor(deps.random() * event.Records.length)];
    // An aimed task has its own fault; a second delivery mid-attempt would blur its check.
    const aimed = record && isAimedType(bodyOf(record)?.type);
    let expired: Promise<void> = Promise.resolve();
    if (expiring && record && !aimed) {
      deps.faults.record('visibility-expiry', taskIdOf(record));
      expired = target.sqs
        .send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: target.urlOf(queueNameOf(record)),
            ReceiptHandle: record.receiptHandle,
            VisibilityTimeout: 0,
          }),
        )
        .then(() => undefined, deps.onError);
    }
    const crash = deps.random() < deps.rates.crash;
    const response = await handler(event, context);
    await expired;
    if (!crash) return response;
    deps.faults.record('crash', ...event.Records.map(taskIdOf));
    throw new ChaosCrashError('chaos: invocation died after its side effects');
  };
}

const queueNameOf = (record: SQSRecord) => record.eventSourceARN.split(':').pop() ?? '';

function bodyOf(record: SQSRecord): { id?: unknown; type?: unknown } | undefined {
  try {
    return JSON.parse(record.body) as { id?: unknown; type?: unknown };
  } catch {
    return undefined;
  }
}

function taskIdOf(record: SQSRecord): string | undefined {
  const id = bodyOf(record)?.id;
  return typeof id === 'string' ? id : undefined;
}
