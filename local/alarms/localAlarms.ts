import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { WITHOUT_STATUS_NOTE } from '../../definition/alarms.js';
import { breakerOpenedRunbook } from '../../definition/breakerOpened.js';
import type { PipelineConfig } from '../../definition/checks.js';
import {
  oldestMessageAgeRunbook,
  oldestMessageAgeThresholdSeconds,
} from '../../definition/oldestMessageAge.js';
import { FLOW_METRICS } from '../../functions/core/metricNames.js';
import type { LocalMetrics } from '../LocalMetrics.js';
import type { LocalQueue } from '../resources.js';
import type { LocalAlarm } from './AlarmEvaluator.js';
import { observeAgeOfOldestMessage } from './queueAge.js';

/**
 * The alarms of the definition that can be observed locally: DLQ depth, oldest message
 * age, consumer errors and throttles, the task failure rate, and breakers opened. p99 duration and API 5xx
 * have no local source and are evaluated on AWS only.
 */
export function localAlarms(
  config: PipelineConfig,
  queues: readonly LocalQueue[],
  sqs: SQSClient,
  metrics: LocalMetrics,
  sqsEndpoint: string,
): LocalAlarm[] {
  const a = config.alarms;
  const out: LocalAlarm[] = [];
  for (const q of queues) {
    if (a.deadLetterQueueNotEmpty.enabled) {
      out.push({
        name: `${config.name}-${q.priority}-dlq-not-empty`,
        description: `Tasks from the ${q.priority} queue failed and wait on its dead-letter queue. Inspect them, fix the cause, then redrive with: npx taskpipe redrive --queue ${q.priority}. ${WITHOUT_STATUS_NOTE}`,
        metric: sqsMetric('ApproximateNumberOfMessagesVisible', q.dlqName, 'Maximum'),
        threshold: a.deadLetterQueueNotEmpty.threshold,
        comparison: 'GreaterThanOrEqualToThreshold',
        evaluationPeriods: a.deadLetterQueueNotEmpty.evaluationPeriods,
        observe: () => messagesOn(sqs, q.dlqUrl),
      });
    }
    const resolved = config.queues.find((r) => r.priority === q.priority);
    if (a.oldestMessageAge.enabled && resolved) {
      const percent = a.oldestMessageAge.threshold;
      out.push({
        name: `${config.name}-${q.priority}-oldest-message-age`,
        description: oldestMessageAgeRunbook(resolved, percent),
        metric: sqsMetric('ApproximateAgeOfOldestMessage', q.name, 'Maximum'),
        threshold: oldestMessageAgeThresholdSeconds(resolved, percent),
        comparison: 'GreaterThanOrEqualToThreshold',
        evaluationPeriods: a.oldestMessageAge.evaluationPeriods,
        observe: () => observeAgeOfOldestMessage(sqsEndpoint, q.name),
      });
    }
  }
  if (a.consumerErrors.enabled) {
    out.push({
      name: `${config.name}-consumer-errors`,
      description:
        'Consumer invocations fail as a whole (their batches return to the queue). Read the consumer logs.',
      metric: {
        namespace: 'AWS/Lambda',
        name: 'Errors',
        statistic: 'Sum',
        dimensions: { FunctionName: `${config.name}-consumer` },
      },
      threshold: a.consumerErrors.threshold,
      comparison: 'GreaterThanOrEqualToThreshold',
      evaluationPeriods: a.consumerErrors.evaluationPeriods,
      observe: async () => metrics.lastPeriod.invocationErrors,
    });
  }
  if (a.consumerThrottles.enabled) {
    out.push({
      name: `${config.name}-consumer-throttles`,
      description:
        "The consumer's concurrency limit refused batches; their receives still count, so tasks can reach the DLQ without a status (see taskpipe stats). Keep the queues' maxConcurrency within the consumer's concurrency.",
      metric: {
        namespace: 'AWS/Lambda',
        name: 'Throttles',
        statistic: 'Sum',
        dimensions: { FunctionName: `${config.name}-consumer` },
      },
      threshold: a.consumerThrottles.threshold,
      comparison: 'GreaterThanOrEqualToThreshold',
      evaluationPeriods: a.consumerThrottles.evaluationPeriods,
      observe: async () => metrics.lastPeriod.throttles,
    });
  }
  if (a.taskFailureRate.enabled) {
    const { minimumVolume } = a.taskFailureRate;
    out.push({
      name: `${config.name}-task-failure-rate`,
      description: `More than ${a.taskFailureRate.threshold}% of tasks fail. List them with: npx taskpipe list --status FAILED`,
      metric: {
        namespace: 'Taskpipe',
        name: 'FailureRate',
        statistic: 'Average',
        dimensions: { service: config.name },
      },
      threshold: a.taskFailureRate.threshold,
      comparison: 'GreaterThanThreshold',
      evaluationPeriods: a.taskFailureRate.evaluationPeriods,
      observe: async () => {
        const { succeeded, failed } = metrics.lastPeriod;
        const total = succeeded + failed;
        // Below the minimum volume a few failures are noise, not an incident.
        return total < minimumVolume ? 0 : (100 * failed) / total;
      },
    });
  }
  if (a.breakerOpened.enabled) {
    out.push({
      name: `${config.name}-breaker-opened`,
      description: breakerOpenedRunbook(),
      metric: {
        namespace: 'Taskpipe',
        name: FLOW_METRICS.breakerOpened,
        statistic: 'Sum',
        dimensions: { service: config.name },
      },
      threshold: a.breakerOpened.threshold,
      comparison: 'GreaterThanOrEqualToThreshold',
      evaluationPeriods: a.breakerOpened.evaluationPeriods,
      observe: async () => metrics.lastPeriod.breakersOpened,
    });
  }
  return out;
}

function sqsMetric(name: string, queueName: string, statistic: string) {
  return { namespace: 'AWS/SQS', name, statistic, dimensions: { QueueName: queueName } };
}

/**
 * Messages on a queue, visible or not: a DLQ someone is peeking at is still not empty, and
 * fauxqs counts a peeked message as visible again only at its next receive.
 */
async function messagesOn(sqs: SQSClient, url: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}
