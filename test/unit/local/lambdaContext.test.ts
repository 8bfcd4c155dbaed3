import { describe, expect, it } from 'vitest';
import { lambdaContext } from '../../../local/esm/lambdaContext.js';

describe('lambdaContext', () => {
  it('gives each invocation its own request id, a UUID as Lambda does', () => {
    const ids = new Set(Array.from({ length: 3 }, () => lambdaContext('f', 0).awsRequestId));

    expect(ids.size).toBe(3);
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('counts the remaining time down to the deadline, never below zero', () => {
    let now = 1_000;
    const context = lambdaContext('consumer', 4_000, () => now);

    expect(context.getRemainingTimeInMillis()).toBe(3_000);
    now = 5_000;
    expect(context.getRemainingTimeInMillis()).toBe(0);
    expect(context.functionName).toBe('consumer');
  });

  it('names the function as Lambda does, so logs carry the same fields as on AWS', () => {
    const context = lambdaContext('taskpipe-consumer', 0);

    expect(context).toMatchObject({
      functionName: 'taskpipe-consumer',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:taskpipe-consumer',
      memoryLimitInMB: '1024',
      logGroupName: '/aws/lambda/taskpipe-consumer',
      logStreamName: 'local',
    });
  });
});
