import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { FlowMetrics } from '../../core/flow/ports.js';
import { FLOW_METRICS, TASK_METRICS, TASK_TYPE_DIMENSION } from '../../core/metricNames.js';
import type { TaskMetrics } from '../../core/ports.js';

const COUNTERS = {
  succeeded: TASK_METRICS.succeeded,
  failed: TASK_METRICS.failed,
  retried: TASK_METRICS.retried,
  duplicate: TASK_METRICS.duplicate,
  poison: TASK_METRICS.poison,
  deferred: TASK_METRICS.deferred,
} as const;

/**
 * Task metrics as CloudWatch EMF, one Powertools Metrics per task type so each type gets
 * its own `TaskType` dimension; flushed once per batch rather than per record. Breaker
 * transitions are written at once, one EMF line each, with no dimension but the service.
 */
export class PowertoolsTaskMetrics implements TaskMetrics, FlowMetrics {
  readonly #byType = new Map<string, Metrics>();
  #flow?: Metrics;

  constructor(private readonly options: { namespace: string; serviceName: string }) {}

  record(event: Parameters<TaskMetrics['record']>[0]): void {
    const metrics = this.forType(event.type);
    // `started` carries the queue wait and `attempted` a failed attempt's duration: neither
    // is an outcome of the task.
    if (event.outcome !== 'started' && event.outcome !== 'attempted') {
      metrics.addMetric(COUNTERS[event.outcome], MetricUnit.Count, 1);
    }
    if (event.durationMs !== undefined) {
      metrics.addMetric(TASK_METRICS.duration, MetricUnit.Milliseconds, event.durationMs);
    }
    if (event.queueWaitMs !== undefined) {
      metrics.addMetric(TASK_METRICS.queueWait, MetricUnit.Milliseconds, event.queueWaitMs);
    }
  }

  breakerMoved(event: Parameters<FlowMetrics['breakerMoved']>[0]): void {
    this.#flow ??= new Metrics({
      namespace: this.options.namespace,
      serviceName: this.options.serviceName,
    });
    const line = this.#flow.singleMetric();
    // Keys are unbounded (one per host): a property of the line, searchable in Logs
    // Insights, not a dimension that would make a metric per host.
    line.addMetadata('breaker', event.key);
    line.addMetric(
      event.move === 'opened' ? FLOW_METRICS.breakerOpened : FLOW_METRICS.breakerClosed,
      MetricUnit.Count,
      1,
    );
  }

  /** Writes the stored metrics to stdout as EMF. */
  flush(): void {
    for (const metrics of this.#byType.values()) metrics.publishStoredMetrics();
  }

  private forType(type: string): Metrics {
    let metrics = this.#byType.get(type);
    if (!metrics) {
      metrics = new Metrics({
        namespace: this.options.namespace,
        serviceName: this.options.serviceName,
        defaultDimensions: { [TASK_TYPE_DIMENSION]: type },
      });
      this.#byType.set(type, metrics);
    }
    return metrics;
  }
}
