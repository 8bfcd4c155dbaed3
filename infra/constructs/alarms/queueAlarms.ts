import { Stack } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import {
  type AlarmsDefinition,
  oldestMessageAgeRunbook,
  oldestMessageAgeThresholdSeconds,
  type ResolvedQueue,
  WITHOUT_STATUS_NOTE,
} from '../../../definition/index.js';
import type { PriorityQueue } from '../PriorityQueue.js';
import { pascalCase } from '../pascalCase.js';
import { ALARM_PERIOD, type AlarmFactory } from './AlarmFactory.js';

/** The CLI line that moves a priority's dead-lettered messages back to its queue. */
export function redriveCommand(q: PriorityQueue): string {
  // --stack is the stack holding the queues (its Queues output), the stateful one.
  return `npx taskpipe redrive --stack ${Stack.of(q.queue).stackName} --queue ${q.priority}`;
}

/** A priority's alarms: its DLQ holds messages, its oldest message waits too long. */
export function queueAlarms(
  factory: AlarmFactory,
  q: PriorityQueue,
  resolved: ResolvedQueue,
  settings: Pick<AlarmsDefinition, 'deadLetterQueueNotEmpty' | 'oldestMessageAge'>,
): Alarm[] {
  const name = pascalCase(q.priority);
  const dlq = factory.create({
    id: `${name}DeadLetterQueueNotEmpty`,
    name: `${q.priority}-dlq-not-empty`,
    kind: 'deadLetterQueueNotEmpty',
    metric: q.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
      statistic: 'Maximum',
      period: ALARM_PERIOD,
    }),
    settings: settings.deadLetterQueueNotEmpty,
    comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    // SQS stops sending metrics for a queue idle for six hours: an idle DLQ is empty.
    treatMissingData: TreatMissingData.NOT_BREACHING,
    runbook: `Tasks from the "${q.priority}" queue failed for good and wait on its dead-letter queue. Find the cause with \`npx taskpipe list --status FAILED --stack ${Stack.of(q.queue).stackName}\` and the consumer logs, fix it, then redrive: ${redriveCommand(q)}. ${WITHOUT_STATUS_NOTE}`,
  });
  const age = factory.create({
    id: `${name}OldestMessageAge`,
    name: `${q.priority}-oldest-message-age`,
    kind: 'oldestMessageAge',
    metric: q.queue.metricApproximateAgeOfOldestMessage({
      statistic: 'Maximum',
      period: ALARM_PERIOD,
    }),
    settings: settings.oldestMessageAge,
    threshold: oldestMessageAgeThresholdSeconds(resolved, settings.oldestMessageAge.threshold),
    comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    // No data means an idle queue, and an idle queue has nothing waiting.
    treatMissingData: TreatMissingData.NOT_BREACHING,
    runbook: oldestMessageAgeRunbook(resolved, settings.oldestMessageAge.threshold),
  });
  return [dlq, age].filter((a): a is Alarm => a !== undefined);
}
