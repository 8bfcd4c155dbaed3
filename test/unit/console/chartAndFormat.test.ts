import { describe, expect, it } from 'vitest';
import { itemsRead } from '../../../console/web/src/components/format.js';
import { isolatedPoints } from '../../../console/web/src/components/isolatedPoints.js';

describe('isolatedPoints: the samples a line cannot draw', () => {
  it('finds values with a gap on both sides, the ends included', () => {
    expect(isolatedPoints([3, null, null, 2, null, 1, 1, null, 4])).toEqual([0, 3, 8]);
    expect(isolatedPoints([null, 5, null])).toEqual([1]);
    expect(isolatedPoints([7])).toEqual([0]);
  });

  it('leaves runs of values to the line, zeros counting as values', () => {
    expect(isolatedPoints([0, 0, 1, 2])).toEqual([]);
    expect(isolatedPoints([null, 0, 0, null, undefined])).toEqual([]);
    expect(isolatedPoints([])).toEqual([]);
  });
});

describe('itemsRead: what a bounded read cost, in words', () => {
  it('says item for one, items otherwise, and ? when unknown', () => {
    expect(itemsRead(1)).toBe('1 item read');
    expect(itemsRead(0)).toBe('0 items read');
    expect(itemsRead(2_000)).toBe(`${(2_000).toLocaleString()} items read`);
    expect(itemsRead(undefined)).toBe('? items read');
  });
});
