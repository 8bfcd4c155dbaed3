import { TASK_STATUSES, type TaskRecord, type TaskStatus } from '../../functions/core/status.js';

export interface Percentiles {
  p50?: number;
  p95?: number;
  p99?: number;
  samples: number;
}

/** Figures over a set of task records, as `stats`, `watch` and `demo` show them. */
export interface TaskSummary {
  total: number;
  byStatus: Record<TaskStatus, number>;
  /** `deferrals`: flow control's deferrals; `waiting`: tasks deferred until later than now. */
  byType: Record<
    string,
    Partial<Record<TaskStatus, number>> & { total: number; deferrals?: number; waiting?: number }
  >;
  /** Handler time of the last attempt, finished tasks. */
  durationMs: Percentiles;
  /** Enqueue to first claim. */
  queueWaitMs: Percentiles;
  /** Enqueue (creation) to the end, finished tasks. */
  latencyMs: Percentiles;
  /** FAILED / (SUCCEEDED + FAILED). */
  failureRate?: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

export function percentiles(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    samples: sorted.length,
  };
}

export function emptyByStatus(): Record<TaskStatus, number> {
  return Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
}

export function summarizeTasks(tasks: readonly TaskRecord[], now = Date.now()): TaskSummary {
  const byStatus = emptyByStatus();
  const byType: TaskSummary['byType'] = {};
  const durations: number[] = [];
  const waits: number[] = [];
  const latencies: number[] = [];
  for (const task of tasks) {
    byStatus[task.status]++;
    const row = byType[task.type] ?? { total: 0 };
    byType[task.type] = row;
    row.total++;
    row[task.status] = (row[task.status] ?? 0) + 1;
    if (task.deferrals !== undefined) {
      row.deferrals = (row.deferrals ?? 0) + task.deferrals;
      const waits = isWaiting(task, now);
      row.waiting = (row.waiting ?? 0) + (waits ? 1 : 0);
    }
    const finished = task.status === 'SUCCEEDED' || task.status === 'FAILED';
    if (finished && task.durationMs !== undefined) durations.push(task.durationMs);
    if (task.queueWaitMs !== undefined) waits.push(task.queueWaitMs);
    if (finished && task.finishedAt !== undefined) latencies.push(task.finishedAt - task.createdAt);
  }
  const ended = byStatus.SUCCEEDED + byStatus.FAILED;
  return {
    total: tasks.length,
    byStatus,
    byType,
    durationMs: percentiles(durations),
    queueWaitMs: percentiles(waits),
    latencyMs: percentiles(latencies),
    ...(ended > 0 ? { failureRate: byStatus.FAILED / ended } : {}),
  };
}

/** Tasks that ended (SUCCEEDED, FAILED, CANCELLED) in the last `windowMs`, per second. */
export function throughput(tasks: readonly TaskRecord[], now: number, windowMs: number): number {
  const since = now - windowMs;
  const recent = tasks.filter((t) => t.finishedAt !== undefined && t.finishedAt > since).length;
  return recent / (windowMs / 1_000);
}

/** Deferred by flow control until later than `now`, and not started since. */
export function isWaiting(task: TaskRecord, now: number): boolean {
  const open = task.status === 'QUEUED' || task.status === 'RETRYING';
  return open && task.waiting !== undefined && task.waiting.until > now;
}
