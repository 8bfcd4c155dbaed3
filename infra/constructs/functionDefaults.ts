import { Validations } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  Architecture,
  type FunctionProps,
  type Function as LambdaFunction,
  Runtime,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { FUNCTION_HANDLER, functionCode } from './functionBundle.js';

/** The newest Node.js runtime aws-cdk-lib knows; every taskpipe function uses it. */
export const FUNCTION_RUNTIME = Runtime.NODEJS_24_X;

/**
 * What every taskpipe function shares: runtime, ARM64, and the code built from `entry`
 * (export `handler`) by `functionCode`.
 */
export function bundledFunctionProps(entry: string): FunctionProps {
  return {
    code: functionCode(entry),
    handler: FUNCTION_HANDLER,
    runtime: FUNCTION_RUNTIME,
    architecture: Architecture.ARM_64,
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
export function tracingProps(tracing: boolean): Pick<FunctionProps, 'tracing'> {
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
