import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import {
  ComparisonOperator,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { AlarmToggle } from './AlarmFactory.js';
import { ALARM_PERIOD, type AlarmFactory } from './AlarmFactory.js';

/** An HTTP API's metric (AWS/ApiGateway), summed over its stages. */
export function httpApiMetric(apiId: string, metricName: string, statistic = 'Sum'): Metric {
  return new Metric({
    namespace: 'AWS/ApiGateway',
    metricName,
    dimensionsMap: { ApiId: apiId },
    statistic,
    period: ALARM_PERIOD,
  });
}

/** The HTTP API's 5xx responses as a percentage of its requests, above a minimum volume. */
export function apiAlarms(
  factory: AlarmFactory,
  apiId: string,
  settings: AlarmToggle & { minimumVolume: number },
): Alarm[] {
  const rate = new MathExpression({
    expression: `IF(requests >= ${settings.minimumVolume}, 100 * FILL(errors, 0) / requests, 0)`,
    usingMetrics: { errors: httpApiMetric(apiId, '5xx'), requests: httpApiMetric(apiId, 'Count') },
    label: 'API 5xx rate (%)',
    period: ALARM_PERIOD,
  });
  const alarm = factory.create({
    id: 'ApiServerErrors',
    name: 'api-5xx',
    kind: 'apiServerErrors',
    metric: rate,
    settings,
    comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    // API Gateway sends metrics only for periods with requests: no requests, no errors.
    treatMissingData: TreatMissingData.NOT_BREACHING,
    runbook:
      'The HTTP API answers with 5xx: producers cannot enqueue. Read the ERROR lines in the api function log group and the stage access log (status, integrationError); check the task table and the queues.',
  });
  return alarm ? [alarm] : [];
}
