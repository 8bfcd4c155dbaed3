import { describe, expect, it } from 'vitest';
import { FlowStoreError } from '../../../functions/adapters/dynamodb/FlowStoreError.js';
import { TaskpipeError } from '../../../functions/core/errors.js';

describe('FlowStoreError', () => {
  it('is a retryable store error when DynamoDB throttled, keeping its cause', () => {
    const cause = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    const error = new FlowStoreError('addCounts', 'host:a.example', cause);
    expect(error).toBeInstanceOf(TaskpipeError);
    expect(error.code).toBe('store');
    expect(error.cause).toBe(cause);
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(
      'flow store addCounts failed for "host:a.example": ThrottlingException: Rate exceeded',
    );
  });

  it('is final for a client fault, and prints a cause that is not an Error as it is', () => {
    const refused = Object.assign(new Error('bad key'), {
      name: 'ValidationException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    expect(new FlowStoreError('pause', 'x', refused).retryable).toBe(false);
    const error = new FlowStoreError('pause', 'x', 'gone');
    expect(error.message).toBe('flow store pause failed for "x": gone');
  });
});
