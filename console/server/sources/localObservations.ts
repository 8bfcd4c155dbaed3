import type { LocalAlarmRuntime } from '../../../local/alarms/LocalAlarmRuntime.js';
import { observeAgeOfOldestMessage } from '../../../local/alarms/queueAge.js';
import type { LocalMetrics } from '../../../local/LocalMetrics.js';
import type { LocalPipelineInfo } from '../../../local/LocalPipeline.js';
import type { MetricsView } from '../../shared/api.js';
import type { Observations } from '../Observations.js';

/** Observations of the local runtime: its in-memory metrics and its alarm evaluator. */
export function localObservations(
  metrics: LocalMetrics,
  alarms: LocalAlarmRuntime | undefined,
  info: Pick<LocalPipelineInfo, 'sqsEndpoint' | 'queues'>,
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
    // The same ApproximateAgeOfOldestMessage as the local alarms: in-flight messages count.
    async oldestAges() {
      const names = info.queues.flatMap((q) => [q.url, q.dlqUrl].map((u) => u.split('/').at(-1)!));
      const ages = await Promise.all(
        names.map((n) => observeAgeOfOldestMessage(info.sqsEndpoint, n).catch(() => undefined)),
      );
      return Object.fromEntries(names.map((n, i) => [n, ages[i]]));
    },
    prometheus: async () => metrics.prometheus.registry,
    async alarms() {
      return (alarms?.evaluator.overview() ?? []).map((a) => ({
        name: a.name,
        state: a.state,
        runbook: a.description,
      }));
    },
  };
}
