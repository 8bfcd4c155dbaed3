import type { Registry } from 'prom-client';
import type { AlarmView, MetricsView } from '../shared/api.js';

/**
 * What the console reads besides the table and the queues: metrics, alarm states and
 * message ages. The local runtime keeps them in memory; on AWS they come from CloudWatch.
 */
export interface Observations {
  /** Throughput, failures and latency over the last hour. */
  metrics(): Promise<MetricsView>;
  /** Age of the oldest message in seconds, by queue name, where known. */
  oldestAges(): Promise<Record<string, number | undefined>>;
  alarms(): Promise<AlarmView[]>;
  /**
   * Task metrics for `/metrics`: the local runtime's running counters and histograms, or
   * CloudWatch's last complete minute as gauges. Queue and alarm gauges are added to them.
   */
  prometheus?(): Promise<Registry>;
  /** A link to the logs of one task, where there is a log service to link to. */
  logsLink?(taskId: string): string;
}
