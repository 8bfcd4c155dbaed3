import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { TaskMetrics } from '../../functions/core/ports.js';

type MetricEvent = Parameters<TaskMetrics['record']>[0];

/** One sample of a state gauge: its labels and value. */
export interface GaugeSample {
  labels: Record<string, string>;
  value: number;
}

/** Seconds: from a few milliseconds (a no-op) to the longest task timeout (15 minutes). */
const DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900,
];
/** Seconds a message waited: immediate pick-up up to a long backlog or a long delay. */
const WAIT_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

/** Final statuses counted in `taskpipe_tasks_total`, by the outcome that ends a task. */
const FINAL_STATUS: Partial<Record<MetricEvent['outcome'], string>> = {
  succeeded: 'succeeded',
  failed: 'failed',
  poison: 'poison',
};

/**
 * The local runtime's Prometheus metrics (docs/observability.md): running counters and
 * histograms of the consumer's task events, and gauges read at scrape time.
 */
export class PrometheusMetrics {
  readonly registry = new Registry();
  readonly #tasks = new Counter({
    name: 'taskpipe_tasks_total',
    help: 'Tasks that ended, by type and final status (succeeded, failed, poison).',
    labelNames: ['type', 'status'] as const,
    registers: [this.registry],
  });
  readonly #retries = new Counter({
    name: 'taskpipe_task_retries_total',
    help: 'Attempts that failed and were scheduled again, by task type.',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });
  readonly #duration = new Histogram({
    name: 'taskpipe_task_duration_seconds',
    help: 'Handler run time of each attempt, by task type.',
    labelNames: ['type'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  readonly #queueWait = new Histogram({
    name: 'taskpipe_task_queue_wait_seconds',
    help: 'Time from a message being sent to an attempt starting, by task type.',
    labelNames: ['type'] as const,
    buckets: WAIT_BUCKETS,
    registers: [this.registry],
  });

  record(event: MetricEvent): void {
    const { type, outcome } = event;
    const status = FINAL_STATUS[outcome];
    if (status) this.#tasks.inc({ type, status });
    if (outcome === 'retried') this.#retries.inc({ type });
    if (event.durationMs !== undefined) this.#duration.observe({ type }, event.durationMs / 1000);
    if (event.queueWaitMs !== undefined)
      this.#queueWait.observe({ type }, event.queueWaitMs / 1000);
  }

  /**
   * The hook for state that is read, not counted (alarm, breaker and pause states): a gauge
   * whose samples `read` returns at each scrape. A name registers once.
   */
  addStateGauge(
    name: string,
    help: string,
    labelNames: readonly string[],
    read: () => Promise<GaugeSample[]>,
  ): void {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const sample of await read()) this.set(sample.labels, sample.value);
      },
    });
  }
}
