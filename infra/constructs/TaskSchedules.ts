import { Stack, TimeZone, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { SqsSendMessage } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import {
  type PipelineConfig,
  type ScheduleDefinition,
  scheduleEnvelope,
} from '../../definition/index.js';
import type { Envelope } from '../../functions/core/envelope.js';
import type { PipelineStorage } from './PipelineStorage.js';

export interface TaskSchedulesProps {
  /** The validated, resolved pipeline definition; one schedule per entry. */
  readonly config: PipelineConfig;
  /** The queues the schedules send to, and the Scheduler dead-letter queue. */
  readonly storage: PipelineStorage;
}

/**
 * The task envelope a schedule sends. The id and enqueue time come from the scheduled
 * time, which stays the same when Scheduler retries a delivery, so a retry names the
 * same task; the trace id is the delivery attempt's execution id.
 */
export function scheduledEnvelope(s: ScheduleDefinition, priority: string): Envelope {
  return scheduleEnvelope(
    s,
    priority,
    ContextAttribute.scheduledTime,
    ContextAttribute.executionId,
  );
}

/** One EventBridge Scheduler schedule per definition entry, sending an envelope to its queue. */
export class TaskSchedules extends Construct {
  /** Schedules in definition order. */
  readonly schedules: Schedule[];
  /** The role Scheduler assumes to send to the queues; absent when there are no schedules. */
  readonly role?: Role;

  constructor(scope: Construct, id: string, props: TaskSchedulesProps) {
    super(scope, id);
    const { config, storage } = props;
    if (config.schedules.length === 0) {
      this.schedules = [];
      return;
    }
    // One role for every schedule, trusted only by this account's default schedule group
    // (confused-deputy protection); the targets grant it what it sends.
    const stack = Stack.of(this);
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': stack.formatArn({
              service: 'scheduler',
              resource: 'schedule-group',
              resourceName: 'default',
            }),
          },
        },
      }),
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        'Added by SqsSendMessage (aws-scheduler-targets) so Scheduler can send to the KMS-encrypted queues; the wildcard covers the GenerateDataKey variants SQS may call and is limited to the one queue key.',
    });
    this.role = role;
    this.schedules = config.schedules.map((s) => {
      const priority = s.priority ?? config.defaultPriority;
      const target = storage.queueFor(priority)!;
      return new Schedule(this, s.name, {
        schedule: ScheduleExpression.expression(
          s.expression,
          s.timezone ? TimeZone.of(s.timezone) : undefined,
        ),
        description: s.description,
        enabled: s.enabled,
        target: new SqsSendMessage(target.queue, {
          input: ScheduleTargetInput.fromObject(scheduledEnvelope(s, priority)),
          role,
          messageGroupId: target.fifo ? `sched-${s.name}` : undefined,
          deadLetterQueue: storage.scheduleDeadLetterQueue,
        }),
      });
    });
  }
}
