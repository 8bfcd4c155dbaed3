import type {
  ErrorView,
  MetaView,
  MetricsView,
  OverviewView,
  TaskDetailView,
  TaskListView,
} from '../../../shared/api.js';

/** An answer other than 2xx, with the server's code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
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
  const body = (await response.json().catch(() => undefined)) as T | ErrorView | undefined;
  if (!response.ok) {
    const error = (body as ErrorView | undefined)?.error;
    throw new ApiError(
      response.status,
      error?.code ?? 'error',
      error?.message ?? response.statusText,
    );
  }
  return body as T;
}

function queryString(query: TaskQuery): string {
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
    get<TaskListView>(`/api/tasks${queryString(query)}`, signal),
  task: (id: string, signal?: AbortSignal) =>
    get<TaskDetailView>(`/api/tasks/${encodeURIComponent(id)}`, signal),
};
