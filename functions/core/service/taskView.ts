import type { AttemptFailure, TaskErrorInfo, TaskRecord, TaskStatus } from '../status.js';

/** A task as the API shows it: times as ISO-8601 strings, internal fields left out. */
export interface TaskView {
  id: string;
  type: string;
  status: TaskStatus;
  attempts: number;
  maxAttempts: number;
  priority: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  queueWaitMs?: number;
  result?: unknown;
  resultTruncated?: { bytes: number; limitBytes: number };
  lastError?: TaskErrorInfo;
  /** The chain step before this one. */
  parentId?: string;
  /** The id of the chain's next step; it exists once this task succeeded. */
  nextId?: string;
  /** The group this task is a member of. */
  groupId?: string;
  /** A SCHEDULED task: when it is due. */
  runAt?: string;
  /** A cancel stopped the chain while this step ran: its next step is not enqueued. */
  chainStoppedAt?: string;
  /** CANCELLED by flow control: why (`debounced`), and the later task that runs instead. */
  cancelReason?: string;
  supersededBy?: string;
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

export function toTaskView(record: TaskRecord): TaskView {
  const view: TaskView = {
    id: record.id,
    type: record.type,
    status: record.status,
    attempts: record.attempts,
    maxAttempts: record.maxAttempts,
    priority: record.priority,
    createdAt: new Date(record.createdAt).toISOString(),
  };
  const startedAt = iso(record.startedAt);
  const finishedAt = iso(record.finishedAt);
  if (startedAt) view.startedAt = startedAt;
  if (finishedAt) view.finishedAt = finishedAt;
  const chainStoppedAt = iso(record.chainStoppedAt);
  if (chainStoppedAt) view.chainStoppedAt = chainStoppedAt;
  if (record.durationMs !== undefined) view.durationMs = record.durationMs;
  if (record.queueWaitMs !== undefined) view.queueWaitMs = record.queueWaitMs;
  if (record.result !== undefined) view.result = record.result;
  if (record.resultTruncated) view.resultTruncated = record.resultTruncated;
  if (record.lastError) view.lastError = record.lastError;
  if (record.cancelReason) view.cancelReason = record.cancelReason;
  if (record.supersededBy) view.supersededBy = record.supersededBy;
  if (record.links) Object.assign(view, record.links);
  if (record.status === 'SCHEDULED' && record.nextAttemptAt !== undefined) {
    view.runAt = new Date(record.nextAttemptAt).toISOString();
  }
  return view;
}

/** One failed attempt as a task's detail shows it. */
export interface FailureView {
  attempt: number;
  at: string;
  error: TaskErrorInfo;
  /** When the next attempt was due; absent when this failure ended the task. */
  retryAt?: string;
}

/** A task with its kept failures (the last ten): `GET /tasks/{id}`, `taskpipe status`. */
export interface TaskDetailView extends TaskView {
  failures?: FailureView[];
}

export function toTaskDetailView(record: TaskRecord): TaskDetailView {
  const view: TaskDetailView = toTaskView(record);
  if (record.failures?.length) view.failures = record.failures.map(toFailureView);
  return view;
}

function toFailureView(failure: AttemptFailure): FailureView {
  const view: FailureView = {
    attempt: failure.attempt,
    at: new Date(failure.at).toISOString(),
    error: failure.error,
  };
  if (failure.retryAt !== undefined) view.retryAt = new Date(failure.retryAt).toISOString();
  return view;
}
