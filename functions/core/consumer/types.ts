import type { MessageAttributes, QueueRoute } from '../ports.js';
import type { TaskRecord } from '../status.js';

/** A received queue message, independent of how it arrived (Lambda event or a poller). */
export interface QueueMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  queue: QueueRoute;
  /** SQS ApproximateReceiveCount. */
  receiveCount: number;
  /** SQS SentTimestamp, epoch ms. */
  sentTimestamp: number;
  messageGroupId?: string;
  /** String and Number message attributes. */
  attributes: MessageAttributes;
}

/**
 * What became of one record. `ack: true` lets the message be deleted; `ack: false` reports it
 * in `batchItemFailures` so SQS delivers it again when its visibility ends. `record` is the
 * task's row as its end left it (the end's write returns it) or as the delivery found it.
 */
export type RecordOutcome =
  | { kind: 'succeeded'; ack: true; taskId: string; attempt: number; record: TaskRecord }
  | { kind: 'failed'; ack: true; taskId?: string; reason: FailureReason; code: string }
  | { kind: 'duplicate'; ack: true; taskId: string; status: string; record: TaskRecord }
  | { kind: 'retry'; ack: false; taskId: string; attempt: number; delayMs: number }
  | { kind: 'deferred'; ack: false; taskId: string; delayMs: number }
  /** Flow control deferred it: a delayed copy was sent, and this message may go. */
  | { kind: 'deferred_resent'; ack: true; taskId: string; delayMs: number; reason: string }
  /** Flow control ended it unrun (`debounced`: a later task of its key runs instead). */
  | { kind: 'cancelled'; ack: true; taskId: string; reason: string }
  | { kind: 'lease_lost'; ack: false; taskId: string; attempt: number }
  | { kind: 'not_started'; ack: false; remainingMs: number };

/** Why a task ended FAILED; also the DLQ copy's `taskpipe.failure-reason` attribute. */
export type FailureReason =
  | 'poison'
  | 'unknown_type'
  | 'invalid_payload'
  | 'permanent'
  | 'attempts_exhausted';

/** Invocation-wide facts the processor needs. */
export interface Invocation {
  /** Epoch ms at which the runtime kills the invocation. */
  deadline: number;
}
