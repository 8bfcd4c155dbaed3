import { describe, expect, it } from 'vitest';
import {
  encoded,
  isTransientStoreFailure,
  TaskStoreError,
} from '../../../functions/adapters/dynamodb/TaskStoreError.js';

const failure = (shape: Record<string, unknown>) =>
  Object.assign(new Error('x'), { name: 'SomethingElse', ...shape });

describe('isTransientStoreFailure', () => {
  it('trusts the SDK: a retryable mark or a server fault is transient on its own', () => {
    expect(isTransientStoreFailure(failure({ $retryable: {}, $fault: 'client' }))).toBe(true);
    expect(isTransientStoreFailure(failure({ $fault: 'server' }))).toBe(true);
    expect(isTransientStoreFailure(failure({ $fault: 'client' }))).toBe(false);
  });

  it('reads the HTTP status when the name says nothing: 500 and up pass, below do not', () => {
    const withStatus = (status: number) =>
      failure({ $fault: 'client', $metadata: { httpStatusCode: status } });

    expect(isTransientStoreFailure(withStatus(500))).toBe(true);
    expect(isTransientStoreFailure(withStatus(503))).toBe(true);
    expect(isTransientStoreFailure(withStatus(499))).toBe(false);
  });

  it('takes a failure without any response for the network, and nothing at all likewise', () => {
    expect(isTransientStoreFailure(failure({}))).toBe(true);
    expect(isTransientStoreFailure(undefined)).toBe(true);
  });
});

describe('TaskStoreError', () => {
  it('describes a cause that is not an Error by its text', () => {
    const error = new TaskStoreError('get', 'task-9', 'socket hang up');

    expect(error.message).toBe('task store get failed for task "task-9": Error: socket hang up');
    expect(error.causeName).toBe('Error');
  });
});

describe('encoded', () => {
  it('passes a write through', () => {
    expect(encoded('finish', 'task-1', () => 42)).toBe(42);
  });

  it('turns a value that cannot be encoded into a store error that will not pass on retry', () => {
    const build = () => {
      throw new TypeError('task result is not JSON-serialisable: cycle');
    };

    expect(() => encoded('finish', 'task-1', build)).toThrow(
      expect.objectContaining({
        code: 'store',
        operation: 'finish',
        taskId: 'task-1',
        retryable: false,
        message:
          'task store finish failed for task "task-1": task result is not JSON-serialisable: cycle',
      }),
    );
  });
});
