import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { PipelineConfig } from '../../definition/index.js';
import { longestQueueNames, longestTableName } from './environmentSize.js';
import type { PipelineStorage } from './PipelineStorage.js';

/** CloudWatch namespace of the consumer's EMF metrics. */
export const METRICS_NAMESPACE = 'Taskpipe';

/** Where the consumer publishes breakers' openings and closings: the alarm topic. */
export const ALARM_TOPIC_ENV = 'TASKPIPE_ALARM_TOPIC_ARN';
/** The pipeline's name, for the API's breaker notices (its service name ends in `-api`). */
export const PIPELINE_NAME_ENV = 'TASKPIPE_PIPELINE_NAME';

/** Stack traces point at the TypeScript sources through the bundled source maps. */
export const SOURCE_MAPS_NODE_OPTIONS = '--enable-source-maps';

/** `NODE_OPTIONS` for every function, when the definition asks for source maps. */
export function nodeOptions(sourceMaps: boolean): Record<string, string> {
  return sourceMaps ? { NODE_OPTIONS: SOURCE_MAPS_NODE_OPTIONS } : {};
}

/**
 * How names appear in an environment: as the deployed resources' (tokens), or at the
 * longest CloudFormation can generate, to check Lambda's 4 KB limit at synth.
 */
export type Naming = 'deployed' | 'longest';

/**
 * `TASKPIPE_QUEUES`: every queue as `{ priority, name, url, dlqUrl, fifo? }`, highest priority
 * first, as the functions' shared queue-route parser reads it.
 */
export function queueRoutesJson(
  scope: IConstruct,
  storage: PipelineStorage,
  naming: Naming = 'deployed',
): string {
  const queues = storage.queues.map((q) => ({
    priority: q.priority,
    ...(naming === 'longest'
      ? longestQueueNames(q)
      : { name: q.queue.queueName, url: q.queue.queueUrl, dlqUrl: q.deadLetterQueue.queueUrl }),
    // The parser's default is false: only a FIFO queue says so (13 bytes a queue saved
    // toward Lambda's 4 KB).
    ...(q.fifo ? { fifo: true } : {}),
  }));
  return naming === 'longest' ? JSON.stringify(queues) : Stack.of(scope).toJsonString(queues);
}

/** What every function that reads or writes tasks is told: the table, queues and TTL. */
export function storageEnvironment(
  scope: IConstruct,
  config: PipelineConfig,
  storage: PipelineStorage,
  naming: Naming = 'deployed',
): Record<string, string> {
  return {
    TASKPIPE_TABLE_NAME:
      naming === 'longest' ? longestTableName(storage) : storage.taskTable.table.tableName,
    TASKPIPE_QUEUES: queueRoutesJson(scope, storage, naming),
    TASKPIPE_RETENTION_DAYS: String(config.table.retentionDays),
  };
}

/**
 * The consumer's configuration as environment variables. Configuration only: webhook
 * URLs and other secrets never go here.
 */
export function consumerEnvironment(
  scope: IConstruct,
  config: PipelineConfig,
  storage: PipelineStorage,
  naming: Naming = 'deployed',
): Record<string, string> {
  return {
    ...storageEnvironment(scope, config, storage, naming),
    TASKPIPE_MAX_RESULT_BYTES: String(config.consumer.maxResultBytes),
    TASKPIPE_RECORD_CONCURRENCY: String(config.consumer.recordConcurrency),
    TASKPIPE_SAFETY_MARGIN_MS: String(config.consumer.safetyMarginMs),
    TASKPIPE_EMAIL_MAX_SEND_RATE: String(config.email.maxSendRate),
    POWERTOOLS_SERVICE_NAME: config.name,
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    POWERTOOLS_LOG_LEVEL: config.consumer.logLevel,
    ...nodeOptions(config.sourceMaps),
  };
}
