import type { LocalAlarmRuntime } from '../../../local/alarms/LocalAlarmRuntime.js';
import type { LocalMetrics } from '../../../local/LocalMetrics.js';
import type { MetricsView } from '../../shared/api.js';
import type { Observations } from '../Observations.js';

/** An age older than this was seen at an earlier receive and may be stale: not shown. */
const AGE_FRESH_MS = 30_000;

/** Observations of the local runtime: its in-memory metrics and its alarm evaluator. */
export function localObservations(
  metrics: LocalMetrics,
  alarms: LocalAlarmRuntime | undefined,
): Observations {
  return {
    async metrics(): Promise<MetricsView> {
      const points = metrics.series.points();
      return {
        source: 'local',
        bucketSeconds: metrics.series.bucketMs / 1000,
        times: points.map((p) => p.start / 1000),
        succeeded: points.map((p) => p.succeeded),
        failed: points.map((p) => p.failed),
        failureRate: points.map((p) => {
          const ended = p.succeeded + p.failed;
          return ended === 0 ? null : (100 * p.failed) / ended;
        }),
        p50: points.map((p) => p.p50 ?? null),
        p95: points.map((p) => p.p95 ?? null),
        p99: points.map((p) => p.p99 ?? null),
        latencyNote: 'handler duration of the tasks that ended in each interval',
      };
    },
    async oldestAges() {
      const now = Date.now();
      const out: Record<string, number | undefined> = {};
      for (const [queue, seen] of metrics.oldestAgeMs) {
        if (now - seen.at <= AGE_FRESH_MS) out[queue] = Math.floor(seen.ageMs / 1000);
      }
      return out;
    },
    async alarms() {
      return (alarms?.evaluator.snapshot() ?? []).map((a) => ({
        name: a.name,
        state: a.state,
        runbook: a.description,
      }));
    },
  };
}
