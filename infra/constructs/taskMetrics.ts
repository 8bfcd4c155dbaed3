import type { Duration } from 'aws-cdk-lib';
import { MathExpression, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import {
  FLOW_METRICS,
  TASK_METRICS,
  TASK_TYPE_DIMENSION,
} from '../../functions/core/metricNames.js';
import { METRICS_NAMESPACE } from './consumerEnvironment.js';

export { FLOW_METRICS, TASK_METRICS };

export type TaskMetricName = (typeof TASK_METRICS)[keyof typeof TASK_METRICS];
export type FlowMetricName = (typeof FLOW_METRICS)[keyof typeof FLOW_METRICS];

/**
 * The consumer's task metrics. Powertools publishes each with two dimensions, `service`
 * (the pipeline name) and `TaskType`; CloudWatch does not aggregate across dimensions,
 * so a total is either a sum over the known task types or a SEARCH (graphs only: alarms
 * cannot use SEARCH).
 */
export class TaskMetricFactory {
  constructor(
    /** The `service` dimension: the pipeline's name. */
    readonly service: string,
    readonly period: Duration,
  ) {}

  /** One task type's metric. */
  forType(metricName: TaskMetricName, taskType: string, statistic: string): Metric {
    return new Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { service: this.service, [TASK_TYPE_DIMENSION]: taskType },
      statistic,
      period: this.period,
    });
  }

  /** A flow-control metric: its only dimension is `service` (breaker keys are unbounded). */
  forPipeline(metricName: FlowMetricName, statistic: string, label?: string): Metric {
    return new Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { service: this.service },
      statistic,
      period: this.period,
      ...(label ? { label } : {}),
    });
  }

  /** The SEARCH expression text for one metric across every task type. */
  searchText(metricName: TaskMetricName, statistic: string): string {
    const schema = `{${METRICS_NAMESPACE},${TASK_TYPE_DIMENSION},service}`;
    const query = `${schema} service="${this.service}" MetricName="${metricName}"`;
    return `SEARCH('${query}', '${statistic}', ${this.period.toSeconds()})`;
  }

  /** One line per task type, for graphs, labelled `<type> <what>`. */
  search(metricName: TaskMetricName, statistic: string, what: string): MathExpression {
    return new MathExpression({
      expression: this.searchText(metricName, statistic),
      label: `\${PROP('Dim.${TASK_TYPE_DIMENSION}')} ${what}`,
      period: this.period,
    });
  }

  /** Failed ÷ finished tasks in percent, over every task type, for graphs. */
  searchFailureRate(): MathExpression {
    const failed = `SUM(${this.searchText(TASK_METRICS.failed, 'Sum')})`;
    const succeeded = `SUM(${this.searchText(TASK_METRICS.succeeded, 'Sum')})`;
    return new MathExpression({
      expression: `100 * FILL(${failed}, 0) / (FILL(${failed}, 0) + FILL(${succeeded}, 0))`,
      label: 'failure rate (%)',
      period: this.period,
    });
  }
}
