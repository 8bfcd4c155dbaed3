import { Duration } from 'aws-cdk-lib';
import { TableGrants } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { PipelineConfig } from '../../definition/index.js';
import { ConfigError } from '../../functions/core/errors.js';
import { consumerEnvironment } from './consumerEnvironment.js';
import { type PipelineStorage, storageMismatches } from './PipelineStorage.js';
import { DEFAULT_CONSUMER_ENTRY, LOCK_FILE, REPO_ROOT } from './paths.js';

/** The newest Node.js runtime aws-cdk-lib knows. */
export const CONSUMER_RUNTIME = Runtime.NODEJS_24_X;

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
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  /** Event sources in queue order, highest priority first. */
  readonly eventSources: SqsEventSource[];

  constructor(scope: Construct, id: string, props: TaskConsumerProps) {
    super(scope, id);
    const { config, storage } = props;
    const mismatches = storageMismatches(config, storage);
    if (mismatches.length)
      throw new ConfigError('storage does not match the definition', mismatches);
    const { consumer } = config;
    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: consumer.logRetentionDays as RetentionDays,
    });
    // An own role, so log permissions are scoped to this log group instead of the
    // account-wide AWSLambdaBasicExecutionRole managed policy.
    this.role = new Role(this, 'ServiceRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry ?? DEFAULT_CONSUMER_ENTRY,
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: LOCK_FILE,
      runtime: CONSUMER_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: consumer.memoryMb,
      timeout: Duration.seconds(consumer.timeoutSeconds),
      reservedConcurrentExecutions: consumer.reservedConcurrency,
      role: this.role,
      logGroup: this.logGroup,
      environment: consumerEnvironment(this, config, storage),
      bundling: {
        format: OutputFormat.ESM,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        mainFields: ['module', 'main'],
        // Bundle the AWS SDK too: the versions in package-lock.json are the ones tested.
        externalModules: [],
        // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
        banner:
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
    });

    this.eventSources = config.queues.map((settings) => {
      const q = storage.queueFor(settings.priority)!;
      const source = new SqsEventSource(q.queue, {
        batchSize: settings.batchSize,
        maxBatchingWindow:
          settings.batchingWindowSeconds > 0
            ? Duration.seconds(settings.batchingWindowSeconds)
            : undefined,
        maxConcurrency: settings.maxConcurrency,
        reportBatchItemFailures: true,
      });
      this.function.addEventSource(source);
      return source;
    });

    // Narrower than grantSendMessages/grantReadWriteData: only the calls the consumer makes.
    // Follow-up tasks go to any queue and failed messages are copied to the DLQs; sending
    // to a KMS-encrypted queue needs a data key.
    const send = { keyActions: ['kms:GenerateDataKey', 'kms:Decrypt'] };
    for (const q of storage.queues) {
      q.queue.grants.actions(this.function, ['sqs:SendMessage'], send);
      q.deadLetterQueue.grants.actions(this.function, ['sqs:SendMessage'], send);
    }
    // Single-item reads and conditional writes on the base table; it never queries an index.
    TableGrants.fromTable(storage.taskTable.table, undefined, false).actions(
      this.function,
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    );
  }
}
