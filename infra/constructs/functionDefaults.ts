import { Validations } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  Architecture,
  type Function as LambdaFunction,
  Runtime,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { LOCK_FILE, REPO_ROOT } from './paths.js';

/** The newest Node.js runtime aws-cdk-lib knows; every taskpipe function uses it. */
export const FUNCTION_RUNTIME = Runtime.NODEJS_24_X;

/**
 * What every taskpipe function shares: runtime, ARM64, and one minified ESM bundle built
 * from `entry` (export `handler`) with the dependencies pinned by package-lock.json.
 */
export function bundledFunctionProps(entry: string): NodejsFunctionProps {
  return {
    entry,
    handler: 'handler',
    projectRoot: REPO_ROOT,
    depsLockFilePath: LOCK_FILE,
    runtime: FUNCTION_RUNTIME,
    architecture: Architecture.ARM_64,
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
  };
}

/**
 * A function's log group (ids `LogGroup`) and its own role (`ServiceRole`), so log
 * permissions are scoped to that group instead of the account-wide
 * AWSLambdaBasicExecutionRole managed policy.
 */
export function functionRoleAndLogs(
  scope: Construct,
  retentionDays: number,
): { role: Role; logGroup: LogGroup } {
  const logGroup = new LogGroup(scope, 'LogGroup', {
    retention: retentionDays as RetentionDays,
  });
  const role = new Role(scope, 'ServiceRole', {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
  });
  logGroup.grantWrite(role);
  return { role, logGroup };
}

/**
 * Lets `grantee` send to a KMS-encrypted queue, and nothing else: narrower than
 * `grants.sendMessages()`, which adds GetQueueAttributes/GetQueueUrl and key wildcards.
 * sqs:SendMessage also covers SendMessageBatch; SQS needs a data key to encrypt.
 */
export function grantSendOnly(queue: Queue, grantee: IGrantable): void {
  queue.grants.actions(grantee, ['sqs:SendMessage'], {
    keyActions: ['kms:GenerateDataKey', 'kms:Decrypt'],
  });
}

/**
 * Lets `grantee` publish to a KMS-encrypted topic, and nothing else: `grantPublish()` with
 * the key's wildcard (`kms:GenerateDataKey*`) narrowed to the data key SNS asks for.
 */
export function grantPublishOnly(topic: Topic, grantee: IGrantable): void {
  topic.grants.actions(grantee, ['sns:Publish'], {
    keyActions: ['kms:GenerateDataKey', 'kms:Decrypt'],
  });
}

/** The definition's `tracing`: X-Ray active tracing, or Lambda's default (pass-through). */
export function tracingProps(tracing: boolean): Pick<NodejsFunctionProps, 'tracing'> {
  return tracing ? { tracing: Tracing.ACTIVE } : {};
}

/** With active tracing, the wildcard X-Ray's write actions need, acknowledged once. */
export function acknowledgeTracing(fn: LambdaFunction, tracing: boolean): void {
  if (!tracing || !fn.role) return;
  Validations.of(fn.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'Added by Tracing.ACTIVE: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so X-Ray requires the wildcard resource.',
  });
}
