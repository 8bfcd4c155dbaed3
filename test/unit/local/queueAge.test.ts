import { describe, expect, it } from 'vitest';
import { ageOfOldestMessage } from '../../../local/alarms/queueAge.js';

const at = (sentTimestamp: number, approximateReceiveCount = 0) => ({
  sentTimestamp,
  approximateReceiveCount,
});

describe('ApproximateAgeOfOldestMessage, as CloudWatch defines it', () => {
  it('is the age in seconds of the oldest message not deleted', () => {
    expect(ageOfOldestMessage([at(50_000), at(10_000, 1), at(90_000)], 100_000)).toBe(90);
  });

  it('is 0 for an empty queue', () => {
    expect(ageOfOldestMessage([], 100_000)).toBe(0);
  });

  it('skips a message received three times or more without a delete', () => {
    expect(ageOfOldestMessage([at(10_000, 3), at(40_000, 2)], 100_000)).toBe(60);
  });

  it('falls back to those messages when there are no others', () => {
    expect(ageOfOldestMessage([at(10_000, 4), at(40_000, 3)], 100_000)).toBe(90);
  });
});
