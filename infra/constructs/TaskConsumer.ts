import { Duration } from 'aws-cdk-lib';
import { TableGrants } from 'aws-cdk-lib/aws-dynamodb';
import type { Role } from 'aws-cdk-lib/aws-iam';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { PipelineConfig } from '../../definition/index.js';
import { ConfigError } from '../../functions/core/errors.js';
import { ALARM_TOPIC_ENV, consumerEnvironment } from './consumerEnvironment.js';
import { checkEnvironmentSize, longestTopicArn } from './environmentSize.js';
import {
  acknowledgeTracing,
  bundledFunctionProps,
  functionRoleAndLogs,
  grantPublishOnly,
  grantSendOnly,
  tracingProps,
} from './functionDefaults.js';
import { type PipelineStorage, storageMismatches } from './PipelineStorage.js';
import { DEFAULT_CONSUMER_ENTRY } from './paths.js';

export interface TaskConsumerProps {
  /** The validated, resolved pipeline definition. */
  readonly config: PipelineConfig;
  /** The queues and table the consumer works on. */
  readonly storage: PipelineStorage;
  /**
   * The consumer's entry file, exporting `handler`.
   * @default functions/consumer/handler.ts in this repository
   */
  readonly entry?: string;
}

/**
 * The consumer Lambda: one SQS event source per queue with partial-batch responses and a
 * per-priority concurrency cap, its own log group, and only the permissions it uses.
 */
export class TaskConsumer extends Construct {
  readonly function: LambdaFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  /** Event sources in queue order, highest priority first. */
  readonly eventSources: SqsEventSource[];
  readonly #longestEnv: Record<string, string>;
  readonly #queueCount: number;

  constructor(scope: Construct, id: string, props: TaskConsumerProps) {
    super(scope, id);
    const { config, storage } = props;
    const mismatches = storageMismatches(config, storage);
    if (mismatches.length)
      throw new ConfigError('storage does not match the definition', mismatches);
    const { consumer } = config;
    const longestEnv = consumerEnvironment(this, config, storage, 'longest');
    checkEnvironmentSize('consumer', longestEnv, storage.queues.length);
    this.#longestEnv = longestEnv;
    this.#queueCount = storage.queues.length;
    const logs = functionRoleAndLogs(this, consumer.logRetentionDays);
    this.role = logs.role;
    this.logGroup = logs.logGroup;

    this.function = new LambdaFunction(this, 'Function', {
      ...bundledFunctionProps(props.entry ?? DEFAULT_CONSUMER_ENTRY),
      memorySize: consumer.memoryMb,
      timeout: Duration.seconds(consumer.timeoutSeconds),
      reservedConcurrentExecutions: consumer.reservedConcurrency,
      role: this.role,
      logGroup: this.logGroup,
      ...tracingProps(config.tracing),
      environment: consumerEnvironment(this, config, storage),
    });
    acknowledgeTracing(this.function, config.tracing);

    this.eventSources = config.queues.map((settings) => {
      const q = storage.queueFor(settings.priority)!;
      const source = new SqsEventSource(q.queue, {
        batchSize: settings.batchSize,
        maxBatchingWindow:
          settings.batchingWindowSeconds > 0
            ? Duration.seconds(settings.batchingWindowSeconds)
            : undefined,
        // Provisioned mode and maxConcurrency are exclusive; the pollers' max then caps it.
        ...(settings.provisionedPollers
          ? {
              provisionedPollerConfig: {
                minimumPollers: settings.provisionedPollers.min,
                maximumPollers: settings.provisionedPollers.max,
              },
            }
          : { maxConcurrency: settings.maxConcurrency }),
        reportBatchItemFailures: true,
      });
      this.function.addEventSource(source);
      return source;
    });

    // Narrower than grantSendMessages/grantReadWriteData: only the calls the consumer makes.
    // Follow-up tasks go to any queue and failed messages are copied to the DLQs.
    for (const q of storage.queues) {
      grantSendOnly(q.queue, this.function);
      grantSendOnly(q.deadLetterQueue, this.function);
    }
    // Single-item reads and conditional writes on the base table; it never queries an index.
    // DeleteItem removes an item past its retention that TTL has not yet deleted, before a
    // reused id starts again (conditional on the expiry). BatchGetItem reads a group's
    // leaves for its follow-up (docs/workflows.md).
    TableGrants.fromTable(storage.taskTable.table, undefined, false).actions(
      this.function,
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
    );
  }

  /**
   * Lets the consumer tell the alarm targets when a breaker opens or closes
   * (docs/pause-and-breakers.md): `sns:Publish` on `topic` and the data-key calls of its
   * encryption, nothing else; the topic's ARN goes in the environment.
   *
   * @throws ConfigError when the environment, names at their longest, would pass 4 KB.
   */
  announceBreakersTo(topic: Topic): void {
    checkEnvironmentSize(
      'consumer',
      { ...this.#longestEnv, [ALARM_TOPIC_ENV]: longestTopicArn(topic) },
      this.#queueCount,
    );
    grantPublishOnly(topic, this.function);
    this.function.addEnvironment(ALARM_TOPIC_ENV, topic.topicArn);
  }
}
