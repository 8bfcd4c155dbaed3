import type { TaskErrorInfo, TaskLinks, TaskRecord, TaskStatus } from './status.js';

/** Structured fields attached to a log line. */
export type LogFields = Record<string, unknown>;

/** Structured logger; Powertools Logger satisfies it. */
export interface Logger {
  debug(message: string, ...extra: LogFields[]): void;
  info(message: string, ...extra: LogFields[]): void;
  warn(message: string, ...extra: LogFields[]): void;
  error(message: string, ...extra: LogFields[]): void;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface NewTask {
  id: string;
  type: string;
  priority: string;
  maxAttempts: number;
  idempotencyKey?: string;
  enqueuedAt: number;
  /**
   * The payload as sent, as JSON text, kept so an operator can retry the task after it
   * failed. Only the API stores it; tasks sent straight to SQS have none (redrive their DLQ
   * copy instead). Text, so the size the API checked is the size stored.
   */
  payloadJson?: string;
  /** When a delayed message becomes visible (epoch ms); informational. */
  availableAt?: number;
  /** SCHEDULED for a delay beyond SQS's 900 s. @default 'QUEUED' */
  status?: 'QUEUED' | 'SCHEDULED';
  /** Its chain and group, kept on the row for `status`. */
  links?: TaskLinks;
}

/** What a delivery knows when it claims a task; used to create the item if it is absent. */
export interface ClaimRequest extends NewTask {
  /** The lease ends here (the invocation deadline). */
  leaseUntil: number;
  /** When SQS took the message (SentTimestamp): the first claim's queue wait starts here. */
  sentAt?: number;
}

export type ClaimResult =
  | { kind: 'claimed'; record: TaskRecord }
  | { kind: 'finished'; record: TaskRecord }
  | { kind: 'leased'; record: TaskRecord; leaseRemainingMs: number };

export type FinishOutcome =
  | { status: 'SUCCEEDED'; result: unknown }
  | { status: 'FAILED'; error: TaskErrorInfo };

/** How an attempt ended, as the store records it. */
export type AttemptEnd =
  | FinishOutcome
  | { status: 'RETRYING'; error: TaskErrorInfo; nextAttemptAt: number };

/**
 * The end of an attempt that made no claim (tracking `terminal` or `failures`), written in
 * one go; creates the item if it is absent.
 */
export interface SettleRequest extends Omit<ClaimRequest, 'leaseUntil'> {
  /** This attempt's number; it becomes the task's `attempts`. */
  attempt: number;
  startedAt: number;
  outcome: AttemptEnd;
}

export type FenceResult<T = TaskRecord> =
  | { ok: true; record: T }
  /** The task moved on (a newer attempt, or another state): this worker lost its lease. */
  | { ok: false; current?: TaskRecord };

export type TransitionResult =
  | { ok: true; record: TaskRecord }
  | { ok: false; current?: TaskRecord };

/** Task-status persistence. Every method is one conditional single-item write or one read. */
export interface TaskStore {
  /**
   * Creates a QUEUED task only if the id is unused; otherwise returns the existing one, and
   * `samePayload: false` when it was created with another type or payload.
   */
  create(task: NewTask): Promise<{ created: boolean; record: TaskRecord; samePayload?: boolean }>;
  /** Starts an attempt: absent, QUEUED, RETRYING, or RUNNING with an expired lease. */
  claim(request: ClaimRequest): Promise<ClaimResult>;
  /** Records the end of attempt `attempt`, only if that attempt still holds the task. */
  finish(id: string, attempt: number, outcome: FinishOutcome): Promise<FenceResult>;
  /** RUNNING → RETRYING for attempt `attempt`, with the error and the next attempt's time. */
  markRetrying(
    id: string,
    attempt: number,
    error: TaskErrorInfo,
    nextAttemptAt: number,
  ): Promise<FenceResult>;
  /**
   * Records an unclaimed attempt's end: allowed when the item is absent, QUEUED, RETRYING or
   * RUNNING with an expired lease. Refused (with the current item) once the task has ended,
   * was cancelled, or is held by a claim.
   */
  settle(request: SettleRequest): Promise<FenceResult>;
  /** SCHEDULED, QUEUED or RETRYING → CANCELLED. */
  cancel(id: string): Promise<TransitionResult>;
  /**
   * Marks a RUNNING task that has a next chain step (`chainStoppedAt`), so that the step is
   * not enqueued when it ends; a repeat keeps the first mark.
   */
  stopChain(id: string): Promise<TransitionResult>;
  /** Notes that a FAILED task's message reached the DLQ, only while FAILED at `attempt`. */
  markDeadLettered(id: string, attempt: number): Promise<void>;
  get(id: string): Promise<TaskRecord | undefined>;
  /** The task and its stored payload as JSON text (a second read when it has its own item). */
  getWithPayload(id: string): Promise<{ record: TaskRecord; payloadJson?: string } | undefined>;
  /** One page of tasks matching `query`; see {@link TaskListQuery} for which filters are indexed. */
  list(query: TaskListQuery): Promise<TaskPage>;
  /**
   * FAILED → QUEUED for an operator's retry, only if the task still is FAILED at `attempts`
   * and (unless `requirePayload` is false) has a stored payload. `attempts` stays (it is the
   * fencing token); `maxAttempts` becomes `attempts + extraAttempts`; the failure-index keys
   * go; `lastError` stays. A redrive passes `requirePayload: false`: it re-sends the DLQ
   * copy, which carries the payload itself. With `unended`, the task must instead be
   * QUEUED, RETRYING or RUNNING with an expired lease: a redrive of a message SQS
   * dead-lettered through receive counts (throttling) before the task ended.
   */
  requeue(
    id: string,
    attempts: number,
    extraAttempts: number,
    options?: { requirePayload?: boolean; unended?: boolean },
  ): Promise<RequeueResult>;
  /**
   * Undoes a requeue whose message could not be sent: QUEUED at `attempts` → FAILED again,
   * with the `deadLetteredAt` it had before the requeue.
   */
  revertRequeue(id: string, attempts: number, deadLetteredAt?: number): Promise<boolean>;
  /** Deletes a task only while it is QUEUED with no attempt: the rollback of a failed send. */
  deleteUnclaimed(id: string): Promise<boolean>;
}

/** A page request. `status: 'FAILED'` uses the sparse failure index; other filters scan. */
export interface TaskListQuery {
  status?: TaskStatus;
  /** One type; with FAILED and no type, `types` lists the types whose failures to merge. */
  type?: string;
  types?: readonly string[];
  /** Scan filters only: the queue priority, and a range of creation times (epoch ms). */
  priority?: string;
  createdFrom?: number;
  createdTo?: number;
  /** At most this many tasks in the page. */
  limit: number;
  /** The `nextCursor` of the previous page, as given. */
  cursor?: string;
}

export interface TaskPage {
  tasks: TaskRecord[];
  /** Present while more tasks may match; opaque. */
  nextCursor?: string;
  /** Items the call read, matching or not (a scan bills every item it reads). */
  scanned?: number;
  /** How the store answered: an index, or a scan. */
  via?: 'failures' | 'typeIndex' | 'scan';
}

export type RequeueResult =
  | { ok: true; record: TaskRecord; payload: unknown }
  /** `payloadMissing`: the task is FAILED but was not enqueued through the API. */
  | { ok: false; current?: TaskRecord; payloadMissing?: boolean };

/** Message attributes as plain strings (SQS String attributes). */
export type MessageAttributes = Record<string, string>;

/** The queue operations the consumer needs. */
export interface QueuePort {
  /** Sets when a received message becomes visible again. */
  changeVisibility(queueUrl: string, receiptHandle: string, seconds: number): Promise<void>;
  /** Sends a message body (a copy to a DLQ, or a new task). */
  send(
    queueUrl: string,
    body: string,
    options?: {
      delaySeconds?: number;
      attributes?: MessageAttributes;
      /** FIFO queues only. */
      groupId?: string;
      deduplicationId?: string;
    },
  ): Promise<{ messageId: string }>;
  /**
   * Sends up to ten messages in one call. A 200 answer can still fail some entries: each
   * entry gets its own result, and none is left out.
   */
  sendBatch(queueUrl: string, entries: readonly OutgoingMessage[]): Promise<SendBatchEntryResult[]>;
}

/** One message of a SendMessageBatch call. `id` is unique within the call. */
export interface OutgoingMessage {
  id: string;
  body: string;
  delaySeconds?: number;
  attributes?: MessageAttributes;
  groupId?: string;
  deduplicationId?: string;
}

/** The outcome of one entry of a batch send. `senderFault`: retrying will not help. */
export type SendBatchEntryResult =
  | { id: string; ok: true; messageId: string }
  | { id: string; ok: false; code: string; message: string; senderFault: boolean };

/**
 * The keys that sign callbacks (docs/callbacks.md), read when a callback is sent: from
 * Secrets Manager on AWS, and locally, without a name, the runtime's development key.
 */
export interface SigningKeys {
  /** @throws a PermanentError when no key can be had for `secretName` here. */
  key(secretName?: string): Promise<string>;
}

/** A message to send later, by a one-time schedule (docs/delays.md). */
export interface ScheduledMessage {
  /** Unique per task: see `scheduleName`. */
  name: string;
  /** When to send it (epoch ms). */
  at: number;
  queueUrl: string;
  body: string;
  /** FIFO queues: the message group id the schedule must carry. */
  groupId?: string;
}

/** One-time schedules: EventBridge Scheduler on AWS, a timer locally. */
export interface SchedulerPort {
  /** Creates the schedule; one that exists already under `name` counts as created. */
  create(message: ScheduledMessage): Promise<void>;
  /** Deletes the schedule; one that is gone (fired, or never made) counts as deleted. */
  delete(name: string): Promise<void>;
}

/** A queue the consumer reads, with its dead-letter queue. */
export interface QueueRoute {
  priority: string;
  name: string;
  url: string;
  dlqUrl: string;
  fifo: boolean;
}

/** Per-task-type measurements; the Lambda adapter writes them as EMF. */
export interface TaskMetrics {
  record(event: {
    type: string;
    /** `started` carries the queue wait; the others count outcomes. */
    outcome:
      | 'started'
      | 'attempted'
      | 'succeeded'
      | 'failed'
      | 'retried'
      | 'duplicate'
      | 'poison'
      | 'deferred';
    durationMs?: number;
    queueWaitMs?: number;
  }): void;
}

export type { TaskStatus };
