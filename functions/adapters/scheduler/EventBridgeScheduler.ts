import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import type { ScheduledMessage, SchedulerPort } from '../../core/ports.js';

/** Options of {@link EventBridgeScheduler}. */
export interface EventBridgeSchedulerOptions {
  client: Pick<SchedulerClient, 'send'>;
  /** The schedule group the stack made for task delays. */
  groupName: string;
  /** The role Scheduler assumes to send to the queues. */
  roleArn: string;
  /** Each queue's ARN by its URL: a schedule targets the ARN. */
  queueArns: ReadonlyMap<string, string>;
  /** Where Scheduler puts a send it gave up on. */
  deadLetterArn?: string;
}

/** Scheduler retries a failed send this long (its maximum) before giving the event up. */
const MAX_EVENT_AGE_SECONDS = 86_400;
const MAX_RETRIES = 185;

/** `at(...)` in UTC to the second, rounded up: a schedule never fires before its time. */
export function atExpression(at: number): string {
  const seconds = Math.ceil(at / 1_000) * 1_000;
  return `at(${new Date(seconds).toISOString().slice(0, 19)})`;
}

/**
 * Long delays on AWS: one EventBridge Scheduler one-time schedule per task, which sends the
 * task's envelope to its queue when it is due and then deletes itself.
 */
export class EventBridgeScheduler implements SchedulerPort {
  constructor(private readonly options: EventBridgeSchedulerOptions) {}

  async create(message: ScheduledMessage): Promise<void> {
    const arn = this.options.queueArns.get(message.queueUrl);
    if (!arn) throw new Error(`no queue ARN is configured for ${message.queueUrl}`);
    try {
      await this.options.client.send(
        new CreateScheduleCommand({
          Name: message.name,
          GroupName: this.options.groupName,
          ScheduleExpression: atExpression(message.at),
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Target: {
            Arn: arn,
            RoleArn: this.options.roleArn,
            Input: message.body,
            RetryPolicy: {
              MaximumEventAgeInSeconds: MAX_EVENT_AGE_SECONDS,
              MaximumRetryAttempts: MAX_RETRIES,
            },
            ...(message.groupId ? { SqsParameters: { MessageGroupId: message.groupId } } : {}),
            ...(this.options.deadLetterArn
              ? { DeadLetterConfig: { Arn: this.options.deadLetterArn } }
              : {}),
          },
        }),
      );
    } catch (error) {
      // The same task's schedule, made by an earlier try of this request.
      if (error instanceof ConflictException) return;
      throw error;
    }
  }

  async delete(name: string): Promise<void> {
    try {
      await this.options.client.send(
        new DeleteScheduleCommand({ Name: name, GroupName: this.options.groupName }),
      );
    } catch (error) {
      // Fired and deleted itself, or never made.
      if (error instanceof ResourceNotFoundException) return;
      throw error;
    }
  }
}
