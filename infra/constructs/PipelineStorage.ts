import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { isWebhook, type PipelineConfig } from '../../definition/index.js';
import { PriorityQueue } from './PriorityQueue.js';
import { pascalCase } from './pascalCase.js';
import { TaskTable } from './TaskTable.js';
import { WebhookSecrets } from './WebhookSecrets.js';

/** Differences between a definition's queues and the queues a storage construct holds. */
export function storageMismatches(config: PipelineConfig, storage: PipelineStorage): string[] {
  const problems: string[] = [];
  for (const settings of config.queues) {
    const q = storage.queueFor(settings.priority);
    if (!q) problems.push(`queue "${settings.priority}" is missing from the storage`);
    else if (q.fifo !== settings.fifo) {
      problems.push(
        `queue "${settings.priority}": fifo ${settings.fifo} in the definition, ${q.fifo} in the storage`,
      );
    }
  }
  const known = new Set(config.queues.map((q) => q.priority));
  for (const q of storage.queues) {
    if (!known.has(q.priority))
      problems.push(`storage queue "${q.priority}" is not in the definition`);
  }
  return problems;
}

export interface PipelineStorageProps {
  /** The validated, resolved pipeline definition (see `parsePipelineDefinition`). */
  readonly config: PipelineConfig;
}

/**
 * The stateful half of a pipeline: the queue key, one queue and DLQ per priority, the
 * task table, the queue that keeps Scheduler deliveries that failed for good, and the
 * webhook secrets the definition asks to create.
 */
export class PipelineStorage extends Construct {
  /** Customer-managed key (rotated yearly) that encrypts every priority queue and DLQ. */
  readonly queueKey: Key;
  /** Queues in definition order, highest priority first. */
  readonly queues: PriorityQueue[];
  readonly taskTable: TaskTable;
  /** Where EventBridge Scheduler puts schedule invocations it could not deliver. */
  readonly scheduleDeadLetterQueue: Queue;
  /** Webhook secrets the definition asks to create (`createSecret`), with placeholders. */
  readonly webhookSecrets: WebhookSecrets;

  constructor(scope: Construct, id: string, props: PipelineStorageProps) {
    super(scope, id);
    const { config } = props;
    this.queueKey = new Key(this, 'QueueKey', {
      description: `${config.name}: encrypts the task queues and their dead-letter queues`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.queues = config.queues.map(
      (settings) =>
        new PriorityQueue(this, `${pascalCase(settings.priority)}Queue`, {
          settings,
          encryptionKey: this.queueKey,
        }),
    );
    this.taskTable = new TaskTable(this, 'TaskTable', {
      deletionProtection: config.table.deletionProtection,
      typeIndex: config.table.typeIndex,
    });
    // Scheduler's DLQ permission (aws-scheduler-targets) is sqs:SendMessage only, so this
    // queue uses SQS-managed encryption rather than the customer-managed key.
    this.scheduleDeadLetterQueue = new Queue(this, 'ScheduleDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.scheduleDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself a dead-letter queue: EventBridge Scheduler sends undeliverable schedule invocations to it (DeadLetterConfig), which the rule does not recognise as a redrive target.',
    });
    this.webhookSecrets = new WebhookSecrets(this, 'WebhookSecrets', {
      webhooks: config.webhooks.filter(isWebhook),
    });
  }

  /** The queue for `priority`, or undefined. */
  queueFor(priority: string): PriorityQueue | undefined {
    return this.queues.find((q) => q.priority === priority);
  }
}
