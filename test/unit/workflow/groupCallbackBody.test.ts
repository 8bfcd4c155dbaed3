import { describe, expect, it } from 'vitest';
import {
  groupCallbackBody,
  MAX_CALLBACK_FAILED_IDS,
} from '../../../functions/core/workflow/Callbacks.js';

const firedAt = Date.parse('2027-01-01T10:00:00.000Z');

describe('groupCallbackBody', () => {
  it('says SUCCEEDED when no member failed, with the fan-in time', () => {
    expect(groupCallbackBody({ id: 'g1', total: 3, failed: 0, firedAt }, [])).toEqual({
      kind: 'group',
      groupId: 'g1',
      status: 'SUCCEEDED',
      total: 3,
      succeeded: 3,
      failed: 0,
      failedIds: [],
      finishedAt: '2027-01-01T10:00:00.000Z',
    });
  });

  it('says COMPLETED_WITH_FAILURES and lists the failed ids when some failed', () => {
    const body = groupCallbackBody({ id: 'g1', total: 3, failed: 1, firedAt }, ['g1.2']);
    expect(body).toMatchObject({ status: 'COMPLETED_WITH_FAILURES', succeeded: 2, failed: 1 });
    expect(body.failedIds).toEqual(['g1.2']);
    expect(body.failedIdsTruncated).toBeUndefined();
  });

  it(`lists at most ${MAX_CALLBACK_FAILED_IDS} failed ids and says when there were more`, () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `g1.${i}`);
    const exact = groupCallbackBody({ id: 'g1', total: 500, failed: 100, firedAt }, ids(100));
    expect(exact.failedIds).toHaveLength(100);
    expect(exact.failedIdsTruncated).toBeUndefined();
    const more = groupCallbackBody({ id: 'g1', total: 500, failed: 101, firedAt }, ids(101));
    expect(more.failedIds).toEqual(ids(100));
    expect(more.failedIdsTruncated).toBe(true);
    expect(more.failed).toBe(101);
  });
});
