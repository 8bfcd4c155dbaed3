import { type CfnResource, Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { ConfigError } from '../../functions/core/errors.js';
import type { PipelineStorage } from './PipelineStorage.js';
import type { PriorityQueue } from './PriorityQueue.js';

/** Lambda's limit on a function's environment: every key and value together. */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4_096;

/** Longer than any region name so far (`us-isof-south-1` has 15 characters). */
const REGION_NAME_MAX = 16;
/** `https://sqs.<region>.amazonaws.com.cn/<account id>/` around a queue name, at its longest. */
const QUEUE_URL_PREFIX_MAX =
  'https://sqs.'.length + REGION_NAME_MAX + '.amazonaws.com.cn/'.length + 13;
const SQS_NAME_MAX = 80;
const DYNAMODB_NAME_MAX = 255;

/**
 * The longest name CloudFormation can generate for a resource: `<stack>-<logical id>-`
 * and 13 random characters (and `.fifo` for a FIFO queue), cut to the service's maximum.
 */
function generatedNameLength(resource: IConstruct, max: number): number {
  const stack = Stack.of(resource);
  const logicalId = stack.getLogicalId(resource.node.defaultChild as CfnResource);
  const stackName = Token.isUnresolved(stack.stackName) ? 128 : stack.stackName.length;
  return Math.min(max, stackName + logicalId.length + 2 + 13 + '.fifo'.length);
}

/** A name (or a placeholder of its longest length, when CloudFormation picks it). */
function longest(name: string, resource: IConstruct, max: number): string {
  return Token.isUnresolved(name) ? 'x'.repeat(generatedNameLength(resource, max)) : name;
}

/** One queue's route with each name and URL at its longest, to size `TASKPIPE_QUEUES`. */
export function longestQueueNames(q: PriorityQueue) {
  const name = longest(q.queue.queueName, q.queue, SQS_NAME_MAX);
  const dlqName = longest(q.deadLetterQueue.queueName, q.deadLetterQueue, SQS_NAME_MAX);
  return {
    name,
    url: 'x'.repeat(QUEUE_URL_PREFIX_MAX + name.length),
    dlqUrl: 'x'.repeat(QUEUE_URL_PREFIX_MAX + dlqName.length),
  };
}

/** The table name at its longest. */
export function longestTableName(storage: PipelineStorage): string {
  const table = storage.taskTable.table;
  return longest(table.tableName, table, DYNAMODB_NAME_MAX);
}

/** Bytes of an environment as Lambda counts them: every key and value. */
export function environmentBytes(env: Record<string, string>): number {
  return Object.entries(env).reduce(
    (sum, [key, value]) => sum + Buffer.byteLength(key) + Buffer.byteLength(value),
    0,
  );
}

/**
 * Throws when a function's environment, with every generated name at its longest, can
 * pass Lambda's 4 KB: CloudFormation would fail the deploy. `longestEnv` is the
 * environment with its names replaced by {@link longestQueueNames} and {@link longestTableName}.
 */
export function checkEnvironmentSize(
  functionName: string,
  longestEnv: Record<string, string>,
  queueCount: number,
): void {
  const bytes = environmentBytes(longestEnv);
  if (bytes <= LAMBDA_ENVIRONMENT_LIMIT_BYTES) return;
  throw new ConfigError(`the ${functionName} function's environment is too large`, [
    `the ${functionName} function's environment can reach ${bytes} bytes with ${queueCount} queues (their names and URLs at the longest CloudFormation generates), over Lambda's limit of ${LAMBDA_ENVIRONMENT_LIMIT_BYTES} bytes: define fewer queues, or shorter priority names`,
  ]);
}
