import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { AlarmsDefinition } from '../../../definition/index.js';
import { ALARM_PERIOD, type AlarmFactory } from './AlarmFactory.js';

/** The consumer function's invocation errors and throttles (AWS/Lambda). */
export function consumerAlarms(
  factory: AlarmFactory,
  fn: IFunction,
  settings: Pick<AlarmsDefinition, 'consumerErrors' | 'consumerThrottles'>,
): Alarm[] {
  const errors = factory.create({
    id: 'ConsumerErrors',
    name: 'consumer-errors',
    kind: 'consumerErrors',
    metric: fn.metricErrors({ statistic: 'Sum', period: ALARM_PERIOD }),
    settings: settings.consumerErrors,
    comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    // Lambda sends Errors only for periods with invocations: no invocations, no errors.
    treatMissingData: TreatMissingData.NOT_BREACHING,
    runbook:
      'Consumer invocations failed as a whole (every record of a batch hit an infrastructure error, or the function crashed or timed out), so their batches return to the queue. Read the ERROR lines in the consumer log group; check the task table and the queue key.',
  });
  const throttles = factory.create({
    id: 'ConsumerThrottles',
    name: 'consumer-throttles',
    kind: 'consumerThrottles',
    metric: fn.metricThrottles({ statistic: 'Sum', period: ALARM_PERIOD }),
    settings: settings.consumerThrottles,
    comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    // Like Errors, Throttles has no datapoints without invocation attempts.
    treatMissingData: TreatMissingData.NOT_BREACHING,
    runbook:
      "The consumer is throttled, and throttled batches use up receive counts: their messages can reach the DLQ without a status (see `taskpipe stats`; redrive sets them QUEUED). Keep the queues' maxConcurrency within the account's concurrency quota (accountConcurrency in the definition) and consumer.reservedConcurrency, if set, at least their sum, or ask for a higher quota.",
  });
  return [errors, throttles].filter((a): a is Alarm => a !== undefined);
}
