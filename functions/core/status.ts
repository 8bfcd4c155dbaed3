/** Task status values (DESIGN §4). SCHEDULED: a delay beyond SQS's 15 minutes, not yet due. */
export const TASK_STATUSES = [
  'SCHEDULED',
  'QUEUED',
  'RUNNING',
  'RETRYING',
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
] as const;

export type TaskStatus = (typeof TASK_STATUSES)[number];

/** States after which a delivery is a duplicate and is acknowledged without running. */
export const TERMINAL_STATUSES: ReadonlySet<TaskStatus> = new Set([
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
]);

export interface TaskErrorInfo {
  code: string;
  message: string;
  /** Poison reason, zod issues and the like. */
  details?: unknown;
  /** Where a handler's error was thrown: its stack, first frames only. */
  stack?: string;
}

/** A task's place in a workflow (docs/workflows.md), as its row keeps it. */
export interface TaskLinks {
  /** The chain step before this one. */
  parentId?: string;
  /** The id the chain's next step gets; it exists only once this task succeeded. */
  nextId?: string;
  /** The group this task is a member of. */
  groupId?: string;
}

/** The stored state of one task. Times are epoch milliseconds. */
export interface TaskRecord {
  id: string;
  type: string;
  status: TaskStatus;
  priority: string;
  attempts: number;
  maxAttempts: number;
  createdAt: number;
  enqueuedAt?: number;
  startedAt?: number;
  finishedAt?: number;
  leaseUntil?: number;
  nextAttemptAt?: number;
  durationMs?: number;
  queueWaitMs?: number;
  idempotencyKey?: string;
  result?: unknown;
  /** Set when the result was larger than the store keeps. */
  resultTruncated?: { bytes: number; limitBytes: number };
  lastError?: TaskErrorInfo;
  /** When the failed message was copied to the DLQ; absent on a FAILED task means not yet. */
  deadLetteredAt?: number;
  /** Epoch seconds after which the store may delete the item (TTL). */
  expiresAt: number;
  links?: TaskLinks;
  /** The last time flow control deferred it, and why; current while `until` is ahead. */
  waiting?: TaskWaiting;
  /** How many times flow control deferred it (never attempts). */
  deferrals?: number;
  /** CANCELLED by flow control: why (`debounced`), and the later task that runs instead. */
  cancelReason?: string;
  supersededBy?: string;
  /**
   * When a cancel reached this chain step while it ran: it runs on, but its next step is
   * not enqueued (docs/workflows.md).
   */
  chainStoppedAt?: number;
  /** Its failed attempts, oldest first: the last {@link KEPT_FAILURES} of them. */
  failures?: AttemptFailure[];
}

/** How many failed attempts a task row keeps; a later failure replaces the oldest. */
export const KEPT_FAILURES = 10;

/** One failed attempt as the row keeps it: its error (message and stack shortened). */
export interface AttemptFailure {
  attempt: number;
  /** When it failed (epoch ms). */
  at: number;
  error: TaskErrorInfo;
  /** When the next attempt is due; absent when this failure ended the task. */
  retryAt?: number;
}

/** Why a task waits: a flow-control deferral as the task row keeps it. */
export interface TaskWaiting {
  /** `rate_limit`, `concurrency`, `debounce`, `paused`… */
  reason: string;
  /** The limit, the next token… as the gate gave them. */
  detail?: Record<string, string | number>;
  /** When it was deferred, and when it comes back (epoch ms). */
  at: number;
  until: number;
}

/** How long a RUNNING task's lease still holds at `now`; `undefined` when none does. */
export function liveLeaseMs(record: TaskRecord, now: number): number | undefined {
  const until = record.status === 'RUNNING' ? record.leaseUntil : undefined;
  return until !== undefined && until >= now ? until - now : undefined;
}
