import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import {
  fetchPoints,
  METRICS_NAMESPACE,
  type MetricPoint,
  taskTypeSeries,
} from '../../../cli/stats/cloudWatchStats.js';
import type { QueueRoute } from '../../../functions/core/ports.js';
import type { AlarmState, MetricsView } from '../../shared/api.js';
import type { Observations } from '../Observations.js';
import { lastMinuteRegistry } from './cloudWatchPrometheus.js';
import { logsInsightsUrl } from './logsInsightsUrl.js';

const WINDOW_SECONDS = 3_600;
const PERIOD_SECONDS = 60;
/** The oldest-message age is read over the last few minutes: SQS reports it each minute. */
const AGE_WINDOW_SECONDS = 300;

export interface CloudWatchObservationsOptions {
  region: string;
  routes: readonly QueueRoute[];
  /** Alarms whose names start with this (the stateless stack's name). */
  alarmPrefix: string;
  /** The consumer's log group, to preselect in the Logs Insights link. */
  logGroup?: string;
}

/**
 * Observations of a deployed stack: the consumer's EMF metrics and the queues' metrics
 * through GetMetricData, and alarm states through DescribeAlarms.
 */
export function cloudWatchObservations(options: CloudWatchObservationsOptions): Observations & {
  close(): void;
} {
  const cloudwatch = new CloudWatchClient({ region: options.region });
  return {
    metrics: () => metricSeries(cloudwatch),
    prometheus: () => lastMinuteRegistry(cloudwatch),
    async oldestAges() {
      const queries = options.routes.map(
        (r, i): MetricDataQuery => ({
          Id: `q${i}`,
          MetricStat: {
            Metric: {
              Namespace: 'AWS/SQS',
              MetricName: 'ApproximateAgeOfOldestMessage',
              Dimensions: [{ Name: 'QueueName', Value: r.name }],
            },
            Period: PERIOD_SECONDS,
            Stat: 'Maximum',
          },
        }),
      );
      const points = await fetchPoints(cloudwatch, queries, AGE_WINDOW_SECONDS);
      const out: Record<string, number | undefined> = {};
      options.routes.forEach((r, i) => {
        const latest = [...(points.get(`q${i}`) ?? [])].sort((a, b) => b.at - a.at)[0];
        out[r.name] = latest?.value;
      });
      return out;
    },
    async alarms() {
      const out: { name: string; state: AlarmState; runbook: string }[] = [];
      let token: string | undefined;
      do {
        const page = await cloudwatch.send(
          new DescribeAlarmsCommand({ AlarmNamePrefix: options.alarmPrefix, NextToken: token }),
        );
        for (const a of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
          out.push({
            name: a.AlarmName ?? '',
            state: (a.StateValue ?? 'INSUFFICIENT_DATA') as AlarmState,
            runbook: a.AlarmDescription ?? '',
          });
        }
        token = page.NextToken;
      } while (token);
      return out;
    },
    logsLink: (taskId) => logsInsightsUrl(options.region, taskId, options.logGroup),
    close: () => cloudwatch.destroy(),
  };
}

/** Per-minute sums of the outcome counters and the highest percentile over the task types. */
async function metricSeries(cloudwatch: CloudWatchClient): Promise<MetricsView> {
  const series = await taskTypeSeries(cloudwatch);
  const queries: MetricDataQuery[] = [];
  const role = new Map<string, string>();
  const add = (
    metric: string,
    dims: NonNullable<MetricDataQuery['MetricStat']>['Metric'],
    stat: string,
  ) => {
    const id = `m${queries.length}`;
    queries.push({ Id: id, MetricStat: { Metric: dims, Period: PERIOD_SECONDS, Stat: stat } });
    role.set(id, metric);
  };
  for (const [metric, list] of series) {
    for (const dims of list) {
      const m = { Namespace: METRICS_NAMESPACE, MetricName: metric, Dimensions: dims };
      if (metric === 'TasksSucceeded') add('succeeded', m, 'Sum');
      if (metric === 'TasksFailed') add('failed', m, 'Sum');
      if (metric === 'TaskDuration') for (const p of ['p50', 'p95', 'p99']) add(p, m, p);
    }
  }
  const points = queries.length
    ? await fetchPoints(cloudwatch, queries, WINDOW_SECONDS)
    : new Map();
  const end = Math.floor(Date.now() / 1000 / PERIOD_SECONDS) * PERIOD_SECONDS;
  const times = Array.from(
    { length: WINDOW_SECONDS / PERIOD_SECONDS },
    (_, i) => end - WINDOW_SECONDS + (i + 1) * PERIOD_SECONDS,
  );
  const index = new Map(times.map((t, i) => [t, i]));
  const empty = () => times.map((): number | null => null);
  const view = { succeeded: empty(), failed: empty(), p50: empty(), p95: empty(), p99: empty() };
  for (const [id, list] of points as Map<string, MetricPoint[]>) {
    const name = role.get(id) as keyof typeof view;
    for (const point of list) {
      const i = index.get(Math.floor(point.at / 1000 / PERIOD_SECONDS) * PERIOD_SECONDS);
      if (i === undefined) continue;
      const seen = view[name][i];
      // Counts add up over the types; of percentiles the highest is shown.
      view[name][i] =
        seen === null || seen === undefined
          ? point.value
          : name === 'succeeded' || name === 'failed'
            ? seen + point.value
            : Math.max(seen, point.value);
    }
  }
  return {
    source: 'cloudwatch',
    bucketSeconds: PERIOD_SECONDS,
    times,
    ...view,
    failureRate: times.map((_, i) => {
      const ended = (view.succeeded[i] ?? 0) + (view.failed[i] ?? 0);
      return ended === 0 ? null : (100 * (view.failed[i] ?? 0)) / ended;
    }),
    latencyNote: 'handler duration per minute; the highest percentile among the task types',
  };
}
