import type { Context } from 'aws-lambda';

/** A Lambda-like context whose remaining time counts down to `deadline` (epoch ms). */
export function lambdaContext(
  functionName: string,
  deadline: number,
  now: () => number = Date.now,
): Context {
  let requestCount = 0;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: `local-${Date.now().toString(36)}-${++requestCount}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
