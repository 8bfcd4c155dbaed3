import type { CloudWatchClient, MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { Gauge, Registry } from 'prom-client';
import {
  fetchPoints,
  METRICS_NAMESPACE,
  taskTypeSeries,
} from '../../../cli/stats/cloudWatchStats.js';
import { TASK_METRICS, TASK_TYPE_DIMENSION } from '../../../functions/core/metricNames.js';

const MINUTE_MS = 60_000;
/** Read a few minutes back: CloudWatch may publish a minute's datapoint late. */
const WINDOW_SECONDS = 300;
const QUANTILES = { p50: '0.5', p95: '0.95', p99: '0.99' } as const;

/** The final status each counter stands for in `taskpipe_tasks_last_minute`. */
const STATUS_OF: Record<string, string> = {
  [TASK_METRICS.succeeded]: 'succeeded',
  [TASK_METRICS.failed]: 'failed',
  [TASK_METRICS.poison]: 'poison',
};

/**
 * The consumer's EMF metrics for Prometheus. CloudWatch keeps sums per period, not running
 * counters, so each figure is a gauge of the last complete minute, and the percentiles
 * are CloudWatch's own (no buckets to aggregate). Scrape every 60 s (docs/observability.md).
 */
export async function lastMinuteRegistry(
  cloudwatch: CloudWatchClient,
  now: number = Date.now(),
): Promise<Registry> {
  const registry = new Registry();
  const gauge = (name: string, help: string, labelNames: string[]) =>
    new Gauge({ name, help, labelNames, registers: [registry] });
  const tasks = gauge(
    'taskpipe_tasks_last_minute',
    'Tasks that ended in the last complete minute, by type and final status.',
    ['type', 'status'],
  );
  const retries = gauge(
    'taskpipe_task_retries_last_minute',
    'Attempts scheduled again in the last complete minute, by task type.',
    ['type'],
  );
  const duration = gauge(
    'taskpipe_task_duration_last_minute_seconds',
    'Handler run time percentiles over the last complete minute, as CloudWatch computes them.',
    ['type', 'quantile'],
  );
  const queueWait = gauge(
    'taskpipe_task_queue_wait_last_minute_seconds',
    'Queue wait percentiles over the last complete minute, as CloudWatch computes them.',
    ['type', 'quantile'],
  );

  const queries: MetricDataQuery[] = [];
  const setters = new Map<string, (value: number) => void>();
  const add = (
    dims: NonNullable<MetricDataQuery['MetricStat']>['Metric'],
    stat: string,
    set: (value: number) => void,
  ) => {
    const id = `m${queries.length}`;
    queries.push({ Id: id, MetricStat: { Metric: dims, Period: 60, Stat: stat } });
    setters.set(id, set);
  };
  for (const [metric, list] of await taskTypeSeries(cloudwatch)) {
    for (const dims of list) {
      const type = dims.find((d) => d.Name === TASK_TYPE_DIMENSION)?.Value ?? '';
      const m = { Namespace: METRICS_NAMESPACE, MetricName: metric, Dimensions: dims };
      const status = STATUS_OF[metric];
      if (status) add(m, 'Sum', (v) => tasks.set({ type, status }, v));
      if (metric === TASK_METRICS.retried) add(m, 'Sum', (v) => retries.set({ type }, v));
      const timing =
        metric === TASK_METRICS.duration
          ? duration
          : metric === TASK_METRICS.queueWait
            ? queueWait
            : undefined;
      if (!timing) continue;
      for (const [stat, quantile] of Object.entries(QUANTILES)) {
        // The EMF values are milliseconds; Prometheus' base unit is the second.
        add(m, stat, (v) => timing.set({ type, quantile }, v / 1000));
      }
    }
  }
  if (!queries.length) return registry;
  const lastMinute = Math.floor(now / MINUTE_MS) * MINUTE_MS - MINUTE_MS;
  for (const [id, points] of await fetchPoints(cloudwatch, queries, WINDOW_SECONDS)) {
    const point = points.find((p) => Math.floor(p.at / MINUTE_MS) * MINUTE_MS === lastMinute);
    // No datapoint for a counter means none happened; a missing percentile stays absent.
    if (point) setters.get(id)?.(point.value);
  }
  return registry;
}
