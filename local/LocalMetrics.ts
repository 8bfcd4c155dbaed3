import type { FlowMetrics } from '../functions/core/flow/ports.js';
import type { TaskMetrics } from '../functions/core/ports.js';
import type { InvocationReport } from './esm/EventSourcePoller.js';
import { MetricSeries } from './MetricSeries.js';
import { PrometheusMetrics } from './prometheus/PrometheusMetrics.js';

type MetricEvent = Parameters<TaskMetrics['record']>[0];

/** What the local alarms read for one period. */
export interface PeriodSnapshot {
  succeeded: number;
  failed: number;
  invocationErrors: number;
  /** Consumer invocations refused by its concurrency limit (Lambda's `Throttles`). */
  throttles: number;
  /** Circuit breakers that opened (`BreakerOpened`). */
  breakersOpened: number;
}

/**
 * Task metrics kept in memory, where there is no CloudWatch to read EMF: running totals,
 * plus per-period figures for the local alarm evaluator.
 */
export class LocalMetrics implements TaskMetrics, FlowMetrics {
  readonly counts = new Map<string, number>();
  /** Outcomes and durations over the last hour, for the console's charts. */
  readonly series = new MetricSeries();
  /** The same events as Prometheus counters and histograms, for `/metrics`. */
  readonly prometheus = new PrometheusMetrics();
  #period = emptyPeriod();
  #last = emptyPeriod();
  #waiters: { key: string; count: number; resolve: () => void }[] = [];

  record(event: MetricEvent): void {
    this.#count(`${event.type}:${event.outcome}`);
    this.series.record(event);
    this.prometheus.record(event);
    if (event.outcome === 'succeeded') this.#period.succeeded++;
    if (event.outcome === 'failed' || event.outcome === 'poison') this.#period.failed++;
  }

  /** Counted as `breaker:opened` and `breaker:closed`; the open state is a gauge (`/metrics`). */
  breakerMoved(event: Parameters<FlowMetrics['breakerMoved']>[0]): void {
    this.#count(`breaker:${event.move}`);
    if (event.move === 'opened') this.#period.breakersOpened++;
  }

  recordInvocation(report: InvocationReport): void {
    if (report.error) this.#period.invocationErrors++;
  }

  /** A batch the consumer's concurrency limit refused. */
  recordThrottle(): void {
    this.#period.throttles++;
  }

  #count(key: string): void {
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    if (this.#waiters.length) this.#wake(key, count);
  }

  /** Resolves once `${type}:${outcome}` (or `breaker:<move>`) has been counted `count` times. */
  reached(key: string, count: number): Promise<void> {
    if ((this.counts.get(key) ?? 0) >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ key, count, resolve }));
  }

  #wake(key: string, count: number): void {
    const ready = this.#waiters.filter((w) => w.key === key && w.count <= count);
    if (!ready.length) return;
    this.#waiters = this.#waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }

  flush(): void {}

  /** Closes the current period; `lastPeriod` then returns it. */
  closePeriod(): PeriodSnapshot {
    this.#last = this.#period;
    this.#period = emptyPeriod();
    return this.#last;
  }

  get lastPeriod(): PeriodSnapshot {
    return this.#last;
  }
}

function emptyPeriod(): PeriodSnapshot {
  return { succeeded: 0, failed: 0, invocationErrors: 0, throttles: 0, breakersOpened: 0 };
}
