import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** A Lambda-like context whose remaining time counts down to `deadline` (epoch ms). */
export function lambdaContext(
  functionName: string,
  deadline: number,
  now: () => number = Date.now,
): Context {
  return {
    // Stryker disable next-line BooleanLiteral: read only by callback-style handlers; every handler here is async
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    // A fresh id per invocation, as Lambda gives: logs and idempotency keys tell runs apart.
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
