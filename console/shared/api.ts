/**
 * The console's HTTP API: one type per read, shared by the server's handlers and the web
 * app's client, so the two cannot drift. Plain data only (no Node or DOM types).
 */
import type { TaskErrorInfo, TaskRecord, TaskStatus } from '../../functions/core/status.js';

export type { TaskErrorInfo, TaskRecord, TaskStatus };

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** What the console looks at, for the header and the filters. */
export interface MetaView {
  target: { kind: 'local' | 'stack'; where: string; region: string };
  types: string[];
  priorities: string[];
  statuses: TaskStatus[];
}

export interface QueueView {
  priority: string;
  name: string;
  visible: number;
  inFlight: number;
  delayed: number;
  dlqVisible: number;
  /** Age of the oldest message, seconds; absent when no source reports it. */
  oldestAgeSeconds?: number;
}

export interface AlarmView {
  name: string;
  state: AlarmState;
  /** The runbook line: what to do when it fires. */
  runbook: string;
}

export interface OverviewView {
  at: number;
  queues: QueueView[];
  /** Counts by type and status, from a bounded read of the table. */
  counts: {
    byType: Record<string, Partial<Record<TaskStatus, number>>>;
    /** Items read to count them. */
    scanned: number;
    /** False when the read stopped at its bound before the end of the table. */
    complete: boolean;
  };
  alarms: AlarmView[];
}

/** Time series over the last hour; `null` where a bucket has no data. */
export interface MetricsView {
  source: 'local' | 'cloudwatch';
  bucketSeconds: number;
  /** Bucket start times, epoch seconds. */
  times: number[];
  succeeded: (number | null)[];
  failed: (number | null)[];
  /** Percent of ended tasks that failed. */
  failureRate: (number | null)[];
  p50: (number | null)[];
  p95: (number | null)[];
  p99: (number | null)[];
  /** Says how the percentiles were obtained (e.g. the highest of the task types on AWS). */
  latencyNote: string;
}

/** How a task list was answered. */
export type ListVia = 'id' | 'idempotencyKey' | 'failures' | 'typeIndex' | 'scan';

export interface TaskListView {
  tasks: TaskRecord[];
  nextCursor?: string;
  via: ListVia;
  /** Items the read went through (a scan reads and bills items that do not match). */
  scanned?: number;
}

export interface TimelineEvent {
  at: number;
  kind: 'enqueued' | 'started' | 'failed' | 'retry-scheduled' | 'succeeded' | 'cancelled';
  label: string;
  error?: TaskErrorInfo;
}

export interface TaskDetailView {
  task: TaskRecord;
  /** The payload as stored (JSON text); absent when the task was not enqueued through the API. */
  payloadJson?: string;
  timeline: TimelineEvent[];
  /** On AWS, a CloudWatch Logs Insights query for this task id. */
  logsInsightsUrl?: string;
}

/** Every non-2xx answer, as the HTTP API's. */
export interface ErrorView {
  error: { code: string; message: string; details?: unknown };
}

/** GET /api/session: what the web app needs before it acts. */
export interface SessionView {
  /** Sent back in the `x-taskpipe-csrf` header with every action. */
  csrfToken: string;
  /** Actions are hidden, and refused by the server. */
  readOnly: boolean;
  /** Who actions are recorded as. */
  who: string;
}

/** One line of the audit log: every action, taken or refused. */
export interface AuditEntry {
  at: string;
  who: string;
  /** e.g. `task.retry`, `dlq.redrive`. */
  action: string;
  target: string;
  count: number;
  outcome: string;
}

export interface EnqueueView {
  taskId: string;
  status: TaskStatus;
  deduplicated: boolean;
}

export interface BulkPreviewView {
  /** FAILED tasks that match (at least this many when not `complete`). */
  count: number;
  complete: boolean;
  sample: TaskRecord[];
}

export interface BulkRetryView {
  retried: number;
  /** Matching tasks that could not be retried, with why. */
  skipped: { id: string; code: string; message: string }[];
  /** Resumes the run; absent when the filter's list has ended. */
  nextCursor?: string;
}

export interface RedriveView {
  queue: string;
  moved: number;
  requeued: number;
  withoutStatus: number;
  left: number;
  notDeleted: number;
  reasons: Record<string, number>;
}

export type NextRunView =
  | { kind: 'at'; at: number }
  | { kind: 'every'; everyMs: number }
  | { kind: 'never' };

export interface ScheduleView {
  name: string;
  expression: string;
  timezone: string;
  type: string;
  priority: string;
  enabled: boolean;
  description?: string;
  next: NextRunView;
}

/** A line of the outbox list. */
export interface OutboxSummaryView {
  id: string;
  /** When it was sent, ISO 8601. */
  at: string;
  from: string;
  to: string[];
  subject?: string;
  /** An SES template's name, when it was sent with one. */
  template?: string;
  /** What sent it: the email.send task's id, or an alarm's dedupe key. */
  key?: string;
}

/** One message of the outbox, as the local runtime kept it. */
export interface OutboxMessageView extends Omit<OutboxSummaryView, 'template'> {
  cc: string[];
  bcc: string[];
  replyTo: string[];
  text?: string;
  html?: string;
  template?: { name: string; data: Record<string, unknown> };
  attachments: { filename: string; contentType: string; bytes: number }[];
  tags: Record<string, string>;
}

/** GET /api/outbox: the newest messages and, with `?id=`, that one (null if unknown). */
export interface OutboxView {
  /** False when the console reads a deployed stack: email goes through SES there. */
  available: boolean;
  messages: OutboxSummaryView[];
  message?: OutboxMessageView | null;
}

export interface RunScheduleView {
  taskId: string;
  scheduledTime: string;
}

/** One input of the enqueue form; `json` is a JSON editor for a field the form cannot show. */
export interface FormField {
  name: string;
  required: boolean;
  kind: 'string' | 'integer' | 'number' | 'boolean' | 'enum' | 'lines' | 'json';
  description?: string;
  options?: string[];
  min?: number;
  max?: number;
  maxLength?: number;
}

export type PayloadForm = { kind: 'fields'; fields: FormField[] } | { kind: 'json'; why: string };

export interface TaskTypeView {
  type: string;
  form: PayloadForm;
}

/** A pause in force: a queue (by priority) or a task type, since when (epoch ms), by whom. */
export interface PauseView {
  scope: 'queue' | 'type';
  name: string;
  since: number;
  by: string;
}

export interface BreakerView {
  /** `host:<host>` or `type:<task type>`. */
  key: string;
  state: 'closed' | 'open' | 'half_open';
  /** When it entered its state (epoch ms), and who moved it (`breaker` when it moved itself). */
  since: number;
  by: string;
  /** When it opened; absent unless it is open. */
  openedAt?: number;
  /** Open: when probing may start. Absent when an operator holds it open until closed. */
  coolDownEnds?: number;
  /** Open by hand: it stays open until someone closes it. */
  heldOpen: boolean;
  /** Attempts and failures counted in its sliding window, and the window's length. */
  attemptsInWindow: number;
  failuresInWindow: number;
  windowSeconds: number;
}

/** GET /api/flow: every queue and task type with its pause, if any, and the breakers. */
export interface FlowView {
  at: number;
  /** `fifo`: a type's pause and breakers do not hold this queue's tasks (it cannot defer). */
  queues: { priority: string; name: string; fifo?: true; pause?: PauseView }[];
  types: { type: string; pause?: PauseView }[];
  /** Breakers that ever moved, closed ones included. */
  breakers: BreakerView[];
}

/** POST /api/flow/pause: the pause in force, and whether this request made it. */
export interface PauseActionView {
  created: boolean;
  pause: PauseView;
}

/** POST /api/flow/resume: the pause that ended, or null when none was in force. */
export interface ResumeActionView {
  resumed: boolean;
  pause: PauseView | null;
}

/** A group's outcome counts; `failed` includes cancelled members. */
export interface GroupCounts {
  ended: number;
  succeeded: number;
  failed: number;
  pending: number;
}

/** A follow-up of a group: its task id, whether the fan-in sent it, and its row if any. */
export interface GroupFollowUpView {
  on: 'complete' | 'success';
  taskId: string;
  enqueued: boolean;
  /** The follow-up task's status, once its row exists. */
  status?: TaskStatus;
}

/** One member by index; `task` is absent while its row does not exist (or no longer). */
export interface GroupMemberView {
  index: number;
  taskId: string;
  task?: TaskRecord;
}

/** GET /api/groups/:id: what `GET /groups/{id}` and `taskpipe group show` answer. */
export interface GroupDetailView {
  groupId: string;
  /** OPEN takes more members; SEALED knows its final size. */
  state: 'OPEN' | 'SEALED';
  /** The final size, once sealed. */
  total?: number;
  added: number;
  counts: GroupCounts;
  /** Ended members over the total (or over those added, while open), 0–1. */
  progress: number;
  followUps: GroupFollowUpView[];
  /** The task that POSTs the group's signed summary, when it has a callback. */
  callback?: Omit<GroupFollowUpView, 'on'>;
  /** One page of members, by index. */
  members: GroupMemberView[];
  /** Reads the next page of members; absent on the last. */
  nextCursor?: string;
}
