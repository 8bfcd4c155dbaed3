import { TASK_STATUSES } from '../../functions/core/status.js';
import { duration, table } from '../output.js';
import type { DemoResult } from './runDemo.js';

/** The demo's closing summary for people. */
export function demoReport(r: DemoResult): string {
  const statuses = table(
    ['STATUS', 'COUNT'],
    [
      ...TASK_STATUSES.map((s) => [s, r.byStatus[s] ?? 0]),
      ['poison (no task)', r.poison.sent],
      ['total', r.enqueued + r.poison.sent],
    ],
  );
  const latency = table(
    ['', 'P50', 'P95', 'P99'],
    [
      [
        'enqueue → finish',
        duration(r.latencyMs.p50),
        duration(r.latencyMs.p95),
        duration(r.latencyMs.p99),
      ],
      [
        'handler duration',
        duration(r.durationMs.p50),
        duration(r.durationMs.p95),
        duration(r.durationMs.p99),
      ],
    ],
  );
  const reasons = Object.entries(r.deadLetters.byReason).sort(([a], [b]) => a.localeCompare(b));
  const dlq = table(['DLQ REASON', 'MESSAGES'], [...reasons, ['total', r.deadLetters.total]]);
  const endpoint = Object.entries(r.endpoint)
    .map(([status, n]) => `${status}×${n}`)
    .join(' ');
  return [
    `demo: ${r.enqueued} task(s) and ${r.poison.sent} poison message in ${duration(r.elapsedMs)}` +
      (r.timedOut ? ` — TIMED OUT with ${r.unfinished} unfinished` : '') +
      (r.stopped ? ` — STOPPED with ${r.unfinished} unfinished` : '') +
      (r.cancelled > 0 ? `, ${r.cancelled} of them cancelled so none fails later` : ''),
    statuses,
    latency,
    `throughput  ${r.throughputPerSecond ?? '-'} tasks/s`,
    dlq,
    `demo endpoint answered: ${endpoint || 'nothing'}`,
  ].join('\n\n');
}
