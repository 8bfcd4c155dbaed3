import type { TaskMetrics } from '../functions/core/ports.js';

type MetricEvent = Parameters<TaskMetrics['record']>[0];

/** Task metrics kept in memory locally, where there is no CloudWatch to read EMF. */
export class LocalMetrics implements TaskMetrics {
  readonly counts = new Map<string, number>();

  record(event: MetricEvent): void {
    const key = `${event.type}:${event.outcome}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  flush(): void {}
}
