import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  ATTR,
  encodeError,
  itemPayload,
  itemToRecord,
  MalformedItemError,
  newTaskItem,
} from '../../../functions/adapters/dynamodb/taskItem.js';

const task = { id: 't-1', type: 'mail.send', priority: 'default', maxAttempts: 3, enqueuedAt: 1 };
const base = (): Record<string, AttributeValue> => newTaskItem(task, 1_000, 2_000);
const decoded = (value: AttributeValue) => JSON.parse(value.S ?? 'null');

describe('encodeError', () => {
  it('keeps a message of exactly the limit and cuts a longer one', () => {
    expect(decoded(encodeError({ code: 'x', message: 'abcd' }, 4)).message).toBe('abcd');
    expect(decoded(encodeError({ code: 'x', message: 'abcde' }, 4)).message).toBe('abcd…');
  });

  it('keeps the stack, cut to the limit, and adds none when there is none', () => {
    const withStack = decoded(encodeError({ code: 'x', message: 'm', stack: 'abcdef' }, 4));
    const without = decoded(encodeError({ code: 'x', message: 'm' }, 4));

    expect(withStack.stack).toBe('abcd');
    expect(without).not.toHaveProperty('stack');
  });

  it('keeps details of exactly the limit and replaces larger ones by their size', () => {
    const exact = decoded(encodeError({ code: 'x', message: 'm', details: 'ab' }, 4)); // "ab" is 4 bytes
    const over = decoded(encodeError({ code: 'x', message: 'm', details: 'abc' }, 4));

    expect(exact.details).toBe('ab');
    expect(over.details).toEqual({ truncated: true, bytes: 5, limitBytes: 4 });
  });

  it('drops details that JSON cannot show, and names details that it cannot hold', () => {
    const fn = decoded(encodeError({ code: 'x', message: 'm', details: () => 1 }, 100));

    expect(fn).toEqual({ code: 'x', message: 'm' });
    expect(() => encodeError({ code: 'x', message: 'm', details: 1n }, 100)).toThrow(
      /^error details is not JSON-serialisable/,
    );
  });
});

describe('newTaskItem', () => {
  it('records when a delayed task becomes due', () => {
    expect(newTaskItem({ ...task, availableAt: 9_000 }, 1_000, 2_000)[ATTR.nextAttemptAt]).toEqual({
      N: '9000',
    });
    expect(base()).not.toHaveProperty(ATTR.nextAttemptAt);
  });
});

describe('itemToRecord', () => {
  const malformed = (item: Record<string, AttributeValue>, message: string) => {
    let thrown: unknown;
    try {
      itemToRecord(item);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(MalformedItemError);
    expect((thrown as Error).name).toBe('MalformedItemError');
    expect((thrown as Error).message).toBe(message);
  };

  it('names the attribute that has the wrong type, is not JSON, or is unknown', () => {
    malformed({ ...base(), [ATTR.type]: { N: '1' } }, 'attribute type is not a string');
    malformed({ ...base(), [ATTR.result]: { S: '{oops' } }, 'attribute result is not JSON');
    malformed(
      { ...base(), [ATTR.status]: { S: 'LOST' } },
      'attribute status has unknown value "LOST"',
    );
  });

  it('names the missing part of a truncation marker', () => {
    malformed(
      { ...base(), [ATTR.resultTruncated]: { M: { limitBytes: { N: '4' } } } },
      'attribute resultTruncated.bytes is missing',
    );
    malformed(
      { ...base(), [ATTR.resultTruncated]: { M: { bytes: { N: '9' } } } },
      'attribute resultTruncated.limitBytes is missing',
    );
  });

  it('reads what a waiting task waits for', () => {
    const waiting = { reason: 'rate_limit', detail: { perSecond: 2 }, at: 5 };
    const record = itemToRecord({ ...base(), [ATTR.waiting]: { S: JSON.stringify(waiting) } });

    expect(record.waiting).toEqual(waiting);
  });
});

describe('itemPayload', () => {
  it('is the stored payload, or undefined for a task sent straight to SQS', () => {
    expect(itemPayload({ ...base(), [ATTR.payload]: { S: '{"a":1}' } })).toEqual({ a: 1 });
    expect(itemPayload(base())).toBeUndefined();
  });
});
