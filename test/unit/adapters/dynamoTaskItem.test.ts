import { describe, expect, it } from 'vitest';
import { ExpressionBuilder } from '../../../functions/adapters/dynamodb/ExpressionBuilder.js';
import {
  isTransientStoreFailure,
  TaskStoreError,
} from '../../../functions/adapters/dynamodb/TaskStoreError.js';
import {
  ATTR,
  encodeError,
  encodeResult,
  itemToRecord,
  MalformedItemError,
  newTaskItem,
} from '../../../functions/adapters/dynamodb/taskItem.js';
import { claimWrite, finishWrite } from '../../../functions/adapters/dynamodb/taskWrites.js';

const task = {
  id: 'task-1',
  type: 'mail.send',
  priority: 'default',
  maxAttempts: 3,
  enqueuedAt: 1_000,
};

describe('task item marshalling', () => {
  it('round-trips a new task through its item', () => {
    const item = newTaskItem({ ...task, idempotencyKey: 'k' }, 2_000, 99);

    expect(itemToRecord(item)).toEqual({
      ...task,
      idempotencyKey: 'k',
      status: 'QUEUED',
      attempts: 0,
      createdAt: 2_000,
      expiresAt: 99,
    });
  });

  it('sets no field the item does not have', () => {
    const record = itemToRecord(newTaskItem(task, 2_000, 99));
    expect(Object.keys(record).sort()).toEqual(
      [
        'attempts',
        'createdAt',
        'enqueuedAt',
        'expiresAt',
        'id',
        'maxAttempts',
        'priority',
        'status',
        'type',
      ].sort(),
    );
  });

  it("keeps a task's chain and group links", () => {
    const links = { parentId: 'p1', nextId: 'n1', groupId: 'g1' };
    expect(itemToRecord(newTaskItem({ ...task, links }, 2_000, 99)).links).toEqual(links);
    expect(itemToRecord(newTaskItem(task, 2_000, 99)).links).toBeUndefined();
  });

  it('stores results as JSON text and measures them in UTF-8 bytes', () => {
    expect(encodeResult('', 10)).toEqual({ result: { S: '""' } });
    expect(encodeResult(null, 10)).toEqual({ result: { S: 'null' } });
    expect(encodeResult(undefined, 10)).toEqual({});
    expect(encodeResult('éé', 5)).toEqual({
      resultTruncated: { M: { bytes: { N: '6' }, limitBytes: { N: '5' } } },
    });
  });

  it('caps error details and messages so the item stays small', () => {
    const encoded = encodeError(
      { code: 'poison', message: 'm'.repeat(20), details: 'x'.repeat(50) },
      10,
    );
    const stored = JSON.parse(encoded.S ?? '');

    expect(stored).toEqual({
      code: 'poison',
      message: `${'m'.repeat(10)}…`,
      details: { truncated: true, bytes: 52, limitBytes: 10 },
    });
  });

  it('rejects values JSON cannot hold', () => {
    expect(() => encodeResult({ n: 1n }, 100)).toThrow(/task result is not JSON-serialisable/);
  });

  it('reports a malformed item by attribute', () => {
    const item = newTaskItem(task, 1, 1);
    expect(() => itemToRecord({ ...item, [ATTR.status]: { S: 'DONE' } })).toThrow(
      MalformedItemError,
    );
    expect(() => itemToRecord({ ...item, [ATTR.attempts]: { S: '1' } })).toThrow(
      /attempts is not a number/,
    );
    const { [ATTR.type]: _, ...withoutType } = item;
    expect(() => itemToRecord(withoutType)).toThrow(/type is missing/);
  });
});

describe('expressions', () => {
  it('never puts a value into the expression text', () => {
    const hostile = "x') OR attribute_exists(id) --";
    const { expression, condition } = claimWrite(
      { ...task, type: hostile, idempotencyKey: hostile, leaseUntil: 5_000 },
      2_000,
      99,
    );
    const { ExpressionAttributeNames, ExpressionAttributeValues } = expression.attributes();

    expect(expression.updateExpression()).not.toContain(hostile);
    expect(condition).not.toContain(hostile);
    expect(Object.values(ExpressionAttributeValues ?? {})).toContainEqual({ S: hostile });
    expect(ExpressionAttributeNames['#status']).toBe('status');
  });

  it('omits an empty values map and rejects odd attribute names', () => {
    const e = new ExpressionBuilder();
    e.name('id');

    expect(e.attributes()).toEqual({ ExpressionAttributeNames: { '#id': 'id' } });
    expect(() => e.name('a.b')).toThrow(/invalid attribute name/);
  });

  it('gives FAILED tasks the failure-index keys and successes none', () => {
    const failed = finishWrite(
      1,
      { status: 'FAILED', error: { code: 'c', message: 'm' } },
      5,
      9,
      100,
    );
    const succeeded = finishWrite(1, { status: 'SUCCEEDED', result: 1 }, 5, 9, 100);

    expect(failed.expression.updateExpression()).toContain('#failedType = #type');
    expect(succeeded.expression.updateExpression()).not.toContain('#failedType');
  });
});

describe('TaskStoreError', () => {
  it('marks throttling, 5xx and network failures retryable, client errors not', () => {
    const sdkError = (name: string, fault: 'client' | 'server', status: number) =>
      Object.assign(new Error(name), {
        name,
        $fault: fault,
        $metadata: { httpStatusCode: status },
      });

    expect(isTransientStoreFailure(sdkError('ThrottlingException', 'client', 400))).toBe(true);
    expect(isTransientStoreFailure(sdkError('InternalServerError', 'server', 500))).toBe(true);
    expect(
      isTransientStoreFailure(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })),
    ).toBe(true);
    expect(isTransientStoreFailure(sdkError('ResourceNotFoundException', 'client', 400))).toBe(
      false,
    );
    expect(isTransientStoreFailure(sdkError('ValidationException', 'client', 400))).toBe(false);
  });

  it('names the operation and the task, and keeps the cause', () => {
    const cause = Object.assign(new Error('Requested resource not found'), {
      name: 'ResourceNotFoundException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    const error = new TaskStoreError('claim', 'task-1', cause);

    expect(error).toMatchObject({
      code: 'store',
      retryable: false,
      operation: 'claim',
      taskId: 'task-1',
    });
    expect(error.message).toBe(
      'task store claim failed for task "task-1": ResourceNotFoundException: Requested resource not found',
    );
    expect(error.cause).toBe(cause);
    expect(error.name).toBe('TaskStoreError');
  });
});
