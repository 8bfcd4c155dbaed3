import { describe, expect, it } from 'vitest';
import { GroupStoreError } from '../../../functions/adapters/dynamodb/GroupStoreError.js';

describe('GroupStoreError', () => {
  it('is a store error that keeps its cause and names the operation and the group', () => {
    const cause = Object.assign(new Error('Rate exceeded'), {
      name: 'ProvisionedThroughputExceededException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    const error = new GroupStoreError('claimFanIn', 'g-1', cause);
    expect(error.code).toBe('store');
    expect(error.cause).toBe(cause);
    expect(error.message).toBe(
      'group store claimFanIn failed for group "g-1": ProvisionedThroughputExceededException: Rate exceeded',
    );
    expect(error.retryable).toBe(true);
  });

  it('takes a given reason and retryability over what the cause says', () => {
    const error = new GroupStoreError('getGroup', 'g-2', 'not an error', {
      reason: 'malformed group item',
      retryable: false,
    });
    expect(error.message).toBe('group store getGroup failed for group "g-2": malformed group item');
    expect(error.retryable).toBe(false);
    expect(error.cause).toBe('not an error');
  });
});
