import { Stack } from 'aws-cdk-lib';
import { type Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { PipelineConfig } from '../../definition/index.js';
import { ALARM_PERIOD, AlarmFactory } from './alarms/AlarmFactory.js';
import { apiAlarms } from './alarms/apiAlarms.js';
import { breakerAlarms } from './alarms/breakerAlarms.js';
import { consumerAlarms } from './alarms/consumerAlarms.js';
import { queueAlarms } from './alarms/queueAlarms.js';
import { taskAlarms } from './alarms/taskAlarms.js';
import type { PipelineStorage } from './PipelineStorage.js';
import { TaskMetricFactory } from './taskMetrics.js';

export interface TaskAlarmsProps {
  /** The validated, resolved pipeline definition; its `alarms` section sets each alarm. */
  readonly config: PipelineConfig;
  /** The queues and dead-letter queues to watch. */
  readonly storage: PipelineStorage;
  /** The consumer function. */
  readonly consumer: IFunction;
  /** The registered task types (the consumer's metrics carry one of them). */
  readonly taskTypes: readonly string[];
  /** Each task type's timeoutMs; the p99 alarm compares with it. */
  readonly taskTimeoutsMs?: Readonly<Record<string, number>>;
  /** Notified on ALARM and on OK. */
  readonly topic: ITopic;
  /**
   * The HTTP API whose 5xx responses to watch.
   * @default - no API alarm
   */
  readonly httpApiId?: string;
}

/**
 * Every alarm of DESIGN §8, from the definition: per queue, the DLQ holds messages and the
 * oldest message is too old; the consumer's errors and throttles; the task failure rate;
 * p99 task duration near the consumer timeout; API 5xx; a circuit breaker opened.
 * `enabled: false` leaves one out.
 */
export class TaskAlarms extends Construct {
  /** Makes each alarm with the topic actions; reuse it for alarms added later. */
  readonly factory: AlarmFactory;
  /** The task metrics the alarms (and the dashboard) read. */
  readonly metrics: TaskMetricFactory;

  constructor(scope: Construct, id: string, props: TaskAlarmsProps) {
    super(scope, id);
    const { config, storage } = props;
    const settings = config.alarms;
    this.factory = new AlarmFactory(this, { topic: props.topic });
    this.metrics = new TaskMetricFactory(config.name, ALARM_PERIOD);
    for (const resolved of config.queues) {
      const q = storage.queueFor(resolved.priority);
      if (q) queueAlarms(this.factory, q, resolved, settings);
    }
    consumerAlarms(this.factory, props.consumer, settings);
    taskAlarms(this.factory, {
      metrics: this.metrics,
      taskTypes: props.taskTypes,
      ...(props.taskTimeoutsMs ? { taskTimeoutsMs: props.taskTimeoutsMs } : {}),
      settings,
      timeoutSeconds: config.consumer.timeoutSeconds,
      stateStackName: Stack.of(storage.taskTable.table).stackName,
    });
    breakerAlarms(
      this.factory,
      this.metrics,
      settings.breakerOpened,
      Stack.of(storage.taskTable.table).stackName,
    );
    if (config.schedules.length > 0) {
      // Deliveries Scheduler could not make land here; nothing else would ever show them.
      this.factory.create({
        id: 'ScheduleDeadLetterQueueNotEmpty',
        name: 'schedules-dlq-not-empty',
        kind: 'deadLetterQueueNotEmpty',
        metric: storage.scheduleDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
          statistic: 'Maximum',
          period: ALARM_PERIOD,
        }),
        settings: settings.deadLetterQueueNotEmpty,
        comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // An idle DLQ stops reporting metrics: it is empty.
        treatMissingData: TreatMissingData.NOT_BREACHING,
        runbook: `EventBridge Scheduler could not deliver scheduled tasks to their queue; the deliveries wait on the schedule dead-letter queue (${Stack.of(storage.scheduleDeadLetterQueue).stackName} output ScheduleDeadLetterQueueUrl). Check the schedules' target permissions and queue, then resend the messages to the queue named in each.`,
      });
    }
    if (props.httpApiId) apiAlarms(this.factory, props.httpApiId, settings.apiServerErrors);
  }

  /** Every alarm made, including those added later through the factory. */
  get alarms(): readonly Alarm[] {
    return this.factory.alarms;
  }
}
