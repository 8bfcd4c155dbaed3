import {
  CloudWatchClient,
  type Dimension,
  GetMetricDataCommand,
  ListMetricsCommand,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import type { QueueRoute } from '../../functions/core/ports.js';

export const METRICS_NAMESPACE = 'Taskpipe';
const COUNTERS = [
  'TasksSucceeded',
  'TasksFailed',
  'TasksRetried',
  'TasksDuplicate',
  'TasksPoison',
] as const;
const TIMINGS = ['TaskDuration', 'QueueWait'] as const;
const STATS = ['p50', 'p95', 'p99'] as const;

/** One task type's figures over the window, from the consumer's EMF metrics. */
export interface TypeMetrics {
  type: string;
  counts: Record<(typeof COUNTERS)[number], number>;
  timings: Record<(typeof TIMINGS)[number], Partial<Record<(typeof STATS)[number], number>>>;
  failureRate?: number;
}

export interface CloudWatchStats {
  windowSeconds: number;
  types: TypeMetrics[];
  /** Highest AWS/SQS ApproximateNumberOfMessagesVisible in the window, per queue name. */
  peakVisible: Record<string, number | undefined>;
}

/**
 * Reads the `Taskpipe` namespace for the last `windowSeconds`: sums of the counters and
 * percentiles of the timings per `TaskType`, plus the peak depth of each queue and DLQ.
 * The metrics carry Powertools' `service` dimension beside `TaskType`, so the exact
 * dimension sets are listed first rather than assumed.
 */
export async function cloudWatchStats(
  region: string,
  routes: readonly QueueRoute[],
  windowSeconds: number,
): Promise<CloudWatchStats> {
  const cloudwatch = new CloudWatchClient({ region });
  try {
    const series = await taskTypeSeries(cloudwatch);
    const period = Math.max(60, Math.ceil(windowSeconds / 60) * 60);
    const queries: MetricDataQuery[] = [];
    const ids = new Map<string, { type?: string; metric: string; stat: string; queue?: string }>();
    const add = (
      namespace: string,
      metric: string,
      dims: Dimension[],
      stat: string,
      tag: object,
    ) => {
      const id = `m${queries.length}`;
      queries.push({
        Id: id,
        MetricStat: {
          Metric: { Namespace: namespace, MetricName: metric, Dimensions: dims },
          Period: period,
          Stat: stat,
        },
        ReturnData: true,
      });
      ids.set(id, { metric, stat, ...tag });
    };
    for (const [metric, list] of series) {
      for (const dims of list) {
        const type = dims.find((d) => d.Name === 'TaskType')?.Value ?? '?';
        const stats = (COUNTERS as readonly string[]).includes(metric) ? ['Sum'] : [...STATS];
        for (const stat of stats) add(METRICS_NAMESPACE, metric, dims, stat, { type });
      }
    }
    for (const url of routes.flatMap((r) => [r.url, r.dlqUrl])) {
      const queue = new URL(url).pathname.split('/').at(-1) ?? url;
      add(
        'AWS/SQS',
        'ApproximateNumberOfMessagesVisible',
        [{ Name: 'QueueName', Value: queue }],
        'Maximum',
        { queue },
      );
    }
    const points = await fetchPoints(cloudwatch, queries, windowSeconds);
    const values = new Map([...points].map(([id, list]) => [id, list.map((p) => p.value)]));
    const byType = new Map<string, TypeMetrics>();
    const peakVisible: Record<string, number | undefined> = {};
    for (const [id, tag] of ids) {
      const points = values.get(id) ?? [];
      // A window that straddles two periods gives two points: sums add, the rest take the max.
      const value =
        points.length === 0
          ? undefined
          : tag.stat === 'Sum'
            ? points.reduce((a, b) => a + b, 0)
            : Math.max(...points);
      if (tag.queue) {
        peakVisible[tag.queue] = value;
        continue;
      }
      const type = tag.type ?? '?';
      let row = byType.get(type);
      if (!row) {
        row = {
          type,
          counts: Object.fromEntries(COUNTERS.map((c) => [c, 0])) as TypeMetrics['counts'],
          timings: { TaskDuration: {}, QueueWait: {} },
        };
        byType.set(type, row);
      }
      if (tag.stat === 'Sum') row.counts[tag.metric as (typeof COUNTERS)[number]] += value ?? 0;
      else if (value !== undefined) {
        row.timings[tag.metric as (typeof TIMINGS)[number]][tag.stat as (typeof STATS)[number]] =
          value;
      }
    }
    const types = [...byType.values()].sort((a, b) => a.type.localeCompare(b.type));
    for (const row of types) {
      const ended = row.counts.TasksSucceeded + row.counts.TasksFailed;
      if (ended > 0) row.failureRate = row.counts.TasksFailed / ended;
    }
    return { windowSeconds, types, peakVisible };
  } finally {
    cloudwatch.destroy();
  }
}

/** The dimension sets of each taskpipe metric that has a `TaskType`, by metric name. */
export async function taskTypeSeries(
  cloudwatch: CloudWatchClient,
): Promise<Map<string, Dimension[][]>> {
  const series = new Map<string, Dimension[][]>();
  let token: string | undefined;
  do {
    const out = await cloudwatch.send(
      new ListMetricsCommand({ Namespace: METRICS_NAMESPACE, NextToken: token }),
    );
    for (const metric of out.Metrics ?? []) {
      const name = metric.MetricName ?? '';
      const dims = metric.Dimensions ?? [];
      const known =
        (COUNTERS as readonly string[]).includes(name) ||
        (TIMINGS as readonly string[]).includes(name);
      if (!known || !dims.some((d) => d.Name === 'TaskType')) continue;
      series.set(name, [...(series.get(name) ?? []), dims]);
    }
    token = out.NextToken;
  } while (token);
  return series;
}

/** A metric's value at one time (epoch ms). */
export interface MetricPoint {
  at: number;
  value: number;
}

/** GetMetricData in calls of at most 500 queries: the points of each query, by query id. */
export async function fetchPoints(
  cloudwatch: CloudWatchClient,
  queries: MetricDataQuery[],
  windowSeconds: number,
): Promise<Map<string, MetricPoint[]>> {
  const points = new Map<string, MetricPoint[]>();
  const end = new Date();
  const start = new Date(end.getTime() - windowSeconds * 1_000);
  for (let i = 0; i < queries.length; i += 500) {
    let token: string | undefined;
    do {
      const out = await cloudwatch.send(
        new GetMetricDataCommand({
          MetricDataQueries: queries.slice(i, i + 500),
          StartTime: start,
          EndTime: end,
          NextToken: token,
        }),
      );
      for (const result of out.MetricDataResults ?? []) {
        if (!result.Id) continue;
        const times = result.Timestamps ?? [];
        const got = (result.Values ?? []).map((value, k) => ({
          at: times[k]?.getTime() ?? 0,
          value,
        }));
        points.set(result.Id, [...(points.get(result.Id) ?? []), ...got]);
      }
      token = out.NextToken;
    } while (token);
  }
  return points;
}
