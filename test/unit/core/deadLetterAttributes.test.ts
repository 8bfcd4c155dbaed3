import { describe, expect, it } from 'vitest';
import {
  DLQ_ATTRIBUTE,
  deadLetterAttributes,
} from '../../../functions/core/consumer/deadLetterAttributes.js';

const facts = {
  reason: 'permanent' as const,
  code: 'permanent',
  message: 'x'.repeat(5_000),
  taskId: 't1',
  attempts: 3,
  sourceQueue: 'q',
  failedAt: 0,
};

describe('deadLetterAttributes', () => {
  it('stays within the SQS limit of 10 attributes, keeping ours', () => {
    const original = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`a${i}`, 'v']));
    const attrs = deadLetterAttributes(facts, original);
    expect(Object.keys(attrs)).toHaveLength(10);
    expect(attrs[DLQ_ATTRIBUTE.reason]).toBe('permanent');
    expect(attrs[DLQ_ATTRIBUTE.attempts]).toBe('3');
    expect(attrs[DLQ_ATTRIBUTE.failedAt]).toBe('1970-01-01T00:00:00.000Z');
  });

  it('cuts a long error message and replaces stale taskpipe attributes', () => {
    const attrs = deadLetterAttributes(facts, { 'taskpipe.error-code': 'old', keep: 'me' });
    expect(attrs[DLQ_ATTRIBUTE.message]?.length).toBe(1024);
    expect(attrs[DLQ_ATTRIBUTE.code]).toBe('permanent');
    expect(attrs.keep).toBe('me');
  });

  it('replaces characters SQS refuses in attribute values', () => {
    const attrs = deadLetterAttributes(
      { ...facts, message: 'bad\u0000byte \uFFFE \uD800 ok 😀' },
      {},
    );
    expect(attrs[DLQ_ATTRIBUTE.message]).toBe('bad\uFFFDbyte \uFFFD \uFFFD ok 😀');
  });

  it('names no task and no message plainly when the failure has neither', () => {
    const { taskId: _id, ...withoutTask } = facts;
    const attrs = deadLetterAttributes({ ...withoutTask, message: '' }, {});

    expect(attrs[DLQ_ATTRIBUTE.taskId]).toBe('(none)');
    expect(attrs[DLQ_ATTRIBUTE.message]).toBe('(no message)');
    expect(deadLetterAttributes(facts, {})[DLQ_ATTRIBUTE.taskId]).toBe('t1');
  });

  it('drops every original attribute of ours, so a stale one cannot fill a slot', () => {
    const attrs = deadLetterAttributes(facts, { 'taskpipe.extra': 'old', keep: 'me' });

    expect(Object.keys(attrs).sort()).toEqual([...Object.values(DLQ_ATTRIBUTE), 'keep'].sort());
  });

  it('keeps a message of exactly the limit whole', () => {
    const message = 'y'.repeat(1024);

    expect(deadLetterAttributes({ ...facts, message }, {})[DLQ_ATTRIBUTE.message]).toBe(message);
  });
});
