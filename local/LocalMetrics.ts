import type { TaskMetrics } from '../functions/core/ports.js';
import type { InvocationReport } from './esm/EventSourcePoller.js';

type MetricEvent = Parameters<TaskMetrics['record']>[0];

/** What the local alarms read for one period. */
export interface PeriodSnapshot {
  succeeded: number;
  failed: number;
  invocationErrors: number;
  /** Oldest message age seen at receive, per queue name, in ms. */
  oldestAgeMs: Map<string, number>;
}

/**
 * Task metrics kept in memory, where there is no CloudWatch to read EMF: running totals,
 * plus per-period figures for the local alarm evaluator.
 */
export class LocalMetrics implements TaskMetrics {
  readonly counts = new Map<string, number>();
  #period = emptyPeriod();
  #last = emptyPeriod();

  record(event: MetricEvent): void {
    const key = `${event.type}:${event.outcome}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (event.outcome === 'succeeded') this.#period.succeeded++;
    if (event.outcome === 'failed' || event.outcome === 'poison') this.#period.failed++;
  }

  recordInvocation(report: InvocationReport): void {
    if (report.error) this.#period.invocationErrors++;
    if (report.oldestAgeMs !== undefined) {
      const seen = this.#period.oldestAgeMs.get(report.queue) ?? 0;
      this.#period.oldestAgeMs.set(report.queue, Math.max(seen, report.oldestAgeMs));
    }
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
  return { succeeded: 0, failed: 0, invocationErrors: 0, oldestAgeMs: new Map() };
}
