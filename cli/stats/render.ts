import { TASK_STATUSES } from '../../functions/core/status.js';
import { type Cell, duration, percent, table } from '../output.js';
import type { QueueDepth } from '../queues.js';
import type { CloudWatchStats } from './cloudWatchStats.js';
import type { Percentiles, TaskSummary } from './summarizeTasks.js';

/** Counts by status, one row each. */
export function statusTable(summary: TaskSummary): string {
  return table(
    ['STATUS', 'TASKS'],
    TASK_STATUSES.map((s) => [s, summary.byStatus[s]]),
  );
}

/**
 * One row per task type, a column per status; with flow control in use, the deferrals
 * (never attempts) and the tasks waiting now.
 */
export function typeTable(summary: TaskSummary): string {
  const entries = Object.entries(summary.byType).sort(([a], [b]) => a.localeCompare(b));
  const flow = entries.some(([, row]) => row.deferrals !== undefined);
  const rows = entries.map(([type, row]) => [
    type,
    row.total,
    ...TASK_STATUSES.map((s) => row[s] ?? 0),
    ...(flow ? [row.deferrals ?? 0, row.waiting ?? 0] : []),
  ]);
  return table(
    ['TYPE', 'TOTAL', ...TASK_STATUSES, ...(flow ? ['DEFERRALS', 'WAITING'] : [])],
    rows,
  );
}

export function timingTable(rows: [string, Percentiles][]): string {
  return table(
    ['TIMING', 'P50', 'P95', 'P99', 'SAMPLES'],
    rows.map(([name, p]) => [name, duration(p.p50), duration(p.p95), duration(p.p99), p.samples]),
  );
}

export function depthTable(depths: readonly QueueDepth[], peaks?: Record<string, Cell>): string {
  const headers = ['QUEUE', 'VISIBLE', 'IN FLIGHT', 'DELAYED', 'DLQ'];
  return table(
    peaks ? [...headers, 'PEAK (CW)', 'DLQ PEAK (CW)'] : headers,
    depths.map((d) => [
      d.priority,
      d.queue.visible,
      d.queue.inFlight,
      d.queue.delayed,
      // Messages being redriven or peeked are in flight, and still dead letters.
      d.dlq.visible + d.dlq.inFlight,
      ...(peaks ? [peaks[`${d.priority}:queue`], peaks[`${d.priority}:dlq`]] : []),
    ]),
  );
}

/** The CloudWatch figures of `stats --stack`. */
export function cloudWatchTables(stats: CloudWatchStats): string {
  if (stats.types.length === 0) {
    return `no Taskpipe metrics in the last ${stats.windowSeconds} s`;
  }
  const counts = table(
    ['TYPE', 'SUCCEEDED', 'FAILED', 'RETRIED', 'DUPLICATE', 'POISON', 'FAILURE RATE'],
    stats.types.map((t) => [
      t.type,
      t.counts.TasksSucceeded,
      t.counts.TasksFailed,
      t.counts.TasksRetried,
      t.counts.TasksDuplicate,
      t.counts.TasksPoison,
      percent(t.failureRate),
    ]),
  );
  const timings = table(
    ['TYPE', 'DURATION P50', 'P95', 'P99', 'QUEUE WAIT P50', 'P95', 'P99'],
    stats.types.map((t) => [
      t.type,
      duration(t.timings.TaskDuration.p50),
      duration(t.timings.TaskDuration.p95),
      duration(t.timings.TaskDuration.p99),
      duration(t.timings.QueueWait.p50),
      duration(t.timings.QueueWait.p95),
      duration(t.timings.QueueWait.p99),
    ]),
  );
  return `${counts}\n\n${timings}`;
}
