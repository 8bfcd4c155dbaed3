import type {
  AuditEntry,
  BreakerView,
  BulkPreviewView,
  BulkRetryView,
  EnqueueView,
  ErrorView,
  FlowView,
  GroupDetailView,
  MetaView,
  MetricsView,
  OutboxView,
  OverviewView,
  PauseActionView,
  RedriveView,
  ResumeActionView,
  RunScheduleView,
  ScheduleView,
  SessionView,
  TaskDetailView,
  TaskListView,
  TaskRecord,
  TaskTypeView,
} from '../../../shared/api.js';

/** An answer other than 2xx, with the server's code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The server's validation issues, by path (e.g. `payload.url`). */
    readonly issues: { path: string[]; message: string }[] = [],
  ) {
    super(message);
  }
}

/** What a pause or resume acts on: one queue (by priority) or one task type. */
export type PauseTarget = { queue: string } | { type: string };

/** A bulk retry's filter: FAILED tasks, optionally of one type or priority, created in a range. */
export interface BulkFilter {
  type?: string;
  priority?: string;
  from?: number;
  to?: number;
}

/** Filters and look-ups of the tasks page, as the server takes them. */
export interface TaskQuery {
  id?: string;
  key?: string;
  type?: string;
  status?: string;
  priority?: string;
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
}

async function get<T>(path: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(path, {
    headers: { accept: 'application/json' },
    ...(signal ? { signal } : {}),
  });
  return answer<T>(response);
}

async function answer<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => undefined)) as T | ErrorView | undefined;
  if (!response.ok) {
    const error = (body as ErrorView | undefined)?.error;
    const issues = (error?.details as { issues?: ApiError['issues'] } | undefined)?.issues;
    throw new ApiError(
      response.status,
      error?.code ?? 'error',
      error?.message ?? response.statusText,
      Array.isArray(issues) ? issues : [],
    );
  }
  return body as T;
}

let session: Promise<SessionView> | undefined;

/** This tab's session: its CSRF token, and whether the console takes actions at all. */
export function loadSession(): Promise<SessionView> {
  session ??= get<SessionView>('/api/session').catch((error: unknown) => {
    session = undefined;
    throw error;
  });
  return session;
}

/** An action: a same-origin POST with this session's token (docs/console.md). */
async function act<T>(path: string, body: unknown = {}): Promise<T> {
  const { csrfToken } = await loadSession();
  const response = await fetch(path, {
    method: 'POST',
    headers: {
      accept: 'application/json',
      'content-type': 'application/json',
      'x-taskpipe-csrf': csrfToken,
    },
    body: JSON.stringify(body),
  });
  return answer<T>(response);
}

function filterQuery(filter: BulkFilter): string {
  return queryString({ ...filter });
}

function queryString(query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The one client of the console's API: a method per server handler. */
export const api = {
  meta: (signal?: AbortSignal) => get<MetaView>('/api/meta', signal),
  overview: (signal?: AbortSignal) => get<OverviewView>('/api/overview', signal),
  metrics: (signal?: AbortSignal) => get<MetricsView>('/api/metrics', signal),
  tasks: (query: TaskQuery, signal?: AbortSignal) =>
    get<TaskListView>(`/api/tasks${queryString({ ...query })}`, signal),
  task: (id: string, signal?: AbortSignal) =>
    get<TaskDetailView>(`/api/tasks/${encodeURIComponent(id)}`, signal),
  taskTypes: (signal?: AbortSignal) => get<TaskTypeView[]>('/api/task-types', signal),
  schedules: (signal?: AbortSignal) => get<ScheduleView[]>('/api/schedules', signal),
  outbox: (id: string | undefined, signal?: AbortSignal) =>
    get<OutboxView>(`/api/outbox${id ? `?id=${encodeURIComponent(id)}` : ''}`, signal),
  group: (id: string, cursor: string | undefined, signal?: AbortSignal) =>
    get<GroupDetailView>(`/api/groups/${encodeURIComponent(id)}${queryString({ cursor })}`, signal),
  audit: (signal?: AbortSignal) => get<AuditEntry[]>('/api/audit', signal),
  flow: (signal?: AbortSignal) => get<FlowView>('/api/flow', signal),
  bulkPreview: (filter: BulkFilter) =>
    get<BulkPreviewView>(`/api/bulk-retry/preview${filterQuery(filter)}`),

  retry: (id: string) => act<{ task: TaskRecord }>(`/api/tasks/${encodeURIComponent(id)}/retry`),
  cancel: (id: string) => act<{ task: TaskRecord }>(`/api/tasks/${encodeURIComponent(id)}/cancel`),
  enqueue: (request: {
    type: string;
    payload: unknown;
    priority?: string;
    idempotencyKey?: string;
  }) => act<EnqueueView>('/api/enqueue', request),
  bulkRetry: (body: { filter: BulkFilter; cursor?: string }) =>
    act<BulkRetryView>('/api/bulk-retry', body),
  redrive: (body: { queue: string; max: number; startedAt: number }) =>
    act<RedriveView>('/api/redrive', body),
  runSchedule: (name: string) =>
    act<RunScheduleView>(`/api/schedules/${encodeURIComponent(name)}/run`),
  pause: (target: PauseTarget) => act<PauseActionView>('/api/flow/pause', target),
  resume: (target: PauseTarget) => act<ResumeActionView>('/api/flow/resume', target),
  openBreaker: (key: string) => act<BreakerView>('/api/flow/breaker/open', { key }),
  closeBreaker: (key: string) => act<BreakerView>('/api/flow/breaker/close', { key }),
};
