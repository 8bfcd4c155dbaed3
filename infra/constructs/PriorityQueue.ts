import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ResolvedQueue } from '../../definition/index.js';

export interface PriorityQueueProps {
  /** The queue's resolved settings from the pipeline definition. */
  readonly settings: ResolvedQueue;
  /** Customer-managed key that encrypts both queues at rest. */
  readonly encryptionKey: IKey;
}

/**
 * One priority's queue and its dead-letter queue: encrypted at rest, TLS only, with the
 * redrive policy from the definition. Both are retained if the stack is deleted.
 */
export class PriorityQueue extends Construct {
  readonly priority: string;
  readonly fifo: boolean;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: PriorityQueueProps) {
    super(scope, id);
    const { settings, encryptionKey } = props;
    this.priority = settings.priority;
    this.fifo = settings.fifo;
    const encryption = { encryption: QueueEncryption.KMS, encryptionMasterKey: encryptionKey };
    // EventBridge Scheduler sends no deduplication id, so it needs content-based
    // deduplication on a FIFO target. SQS drops an identical body only within its 5-minute
    // deduplication interval; a later Scheduler retry is enqueued again, and the consumer
    // acknowledges it as a duplicate (its task id comes from the scheduled time).
    const fifo = settings.fifo ? { fifo: true, contentBasedDeduplication: true } : {};

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      ...encryption,
      ...fifo,
      enforceSSL: true,
      retentionPeriod: Duration.seconds(settings.deadLetterRetentionSeconds),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.queue = new Queue(this, 'Queue', {
      ...encryption,
      ...fifo,
      enforceSSL: true,
      retentionPeriod: Duration.seconds(settings.retentionSeconds),
      visibilityTimeout: Duration.seconds(settings.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: settings.maxReceiveCount },
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
