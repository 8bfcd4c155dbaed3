import { type Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { breakerOpenedRunbook } from '../../../definition/breakerOpened.js';
import type { AlarmsDefinition } from '../../../definition/index.js';
import { FLOW_METRICS, type TaskMetricFactory } from '../taskMetrics.js';
import type { AlarmFactory } from './AlarmFactory.js';

/**
 * A circuit breaker opened: the consumer instance that opens one writes a `BreakerOpened`
 * EMF line (`service` dimension only), so the sum over a period counts openings.
 */
export function breakerAlarms(
  factory: AlarmFactory,
  metrics: TaskMetricFactory,
  settings: AlarmsDefinition['breakerOpened'],
  stateStackName: string,
): Alarm | undefined {
  return factory.create({
    id: 'BreakerOpened',
    name: 'breaker-opened',
    kind: 'breakerOpened',
    metric: metrics.forPipeline(FLOW_METRICS.breakerOpened, 'Sum'),
    settings,
    comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    // Nothing opened, nothing is written: a quiet period is not an opening.
    treatMissingData: TreatMissingData.NOT_BREACHING,
    runbook: breakerOpenedRunbook(stateStackName),
  });
}
