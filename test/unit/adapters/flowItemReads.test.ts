import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  BATTR,
  breakerKey,
  breakerToItem,
  itemToBreaker,
  itemToPauses,
  PAUSE_MAPS,
} from '../../../functions/adapters/dynamodb/flowItem.js';
import { MalformedItemError } from '../../../functions/adapters/dynamodb/taskItem.js';
import type { BreakerRecord } from '../../../functions/core/flow/types.js';

type Item = Record<string, AttributeValue>;

const record: BreakerRecord = {
  key: 'host:api.example.com',
  state: 'open',
  since: 1_000,
  by: 'breaker',
  until: 2_000,
  probesLeft: 2,
  probeSuccesses: 1,
  version: 4,
  buckets: [
    { start: 100, attempts: 5, failures: 3 },
    { start: 200, attempts: 7, failures: 0 },
  ],
};

const thrownBy = (item: Item): unknown => {
  try {
    itemToBreaker(item);
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('itemToPauses', () => {
  it('lists the pauses of one scope by name, whatever order the map holds them in', () => {
    const item: Item = {
      [PAUSE_MAPS.queue]: {
        M: {
          zeta: { M: { since: { N: '3' }, by: { S: 'ops' } } },
          alpha: { M: { since: { N: '1' }, by: { S: 'ann' } } },
          mid: { M: { since: { N: '2' }, by: { S: 'bob' } } },
        },
      },
    };

    expect(itemToPauses(item, 'queue')).toEqual([
      { scope: 'queue', name: 'alpha', since: 1, by: 'ann' },
      { scope: 'queue', name: 'mid', since: 2, by: 'bob' },
      { scope: 'queue', name: 'zeta', since: 3, by: 'ops' },
    ]);
    expect(itemToPauses(item, 'type')).toEqual([]);
  });

  it('reads a pause with no time or author as paused since 0 by nobody known', () => {
    const item: Item = {
      [PAUSE_MAPS.type]: { M: { bare: { S: 'not a map' }, empty: { M: {} } } },
    };

    expect(itemToPauses(item, 'type')).toEqual([
      { scope: 'type', name: 'bare', since: 0, by: 'unknown' },
      { scope: 'type', name: 'empty', since: 0, by: 'unknown' },
    ]);
  });
});

describe('breakerToItem and itemToBreaker', () => {
  it('writes each bucket as its attempts and failures, and reads the record back', () => {
    const item = breakerToItem(record);

    expect(item.a100).toEqual({ N: '5' });
    expect(item.f100).toEqual({ N: '3' });
    expect(item.a200).toEqual({ N: '7' });
    expect(item.f200).toEqual({ N: '0' });
    expect(itemToBreaker(item)).toEqual(record);
  });

  it('orders the buckets by start, whatever order the item holds them in', () => {
    const item: Item = {
      [BATTR.id]: { S: breakerKey('type:a') },
      [BATTR.state]: { S: 'closed' },
      a300: { N: '3' },
      a100: { N: '1' },
      f200: { N: '2' },
      a200: { N: '2' },
      f100: { N: '1' },
    };

    expect(itemToBreaker(item).buckets).toEqual([
      { start: 100, attempts: 1, failures: 1 },
      { start: 200, attempts: 2, failures: 2 },
      { start: 300, attempts: 3, failures: 0 },
    ]);
  });

  it('reads a breaker with only its key and state from defaults', () => {
    const item: Item = {
      [BATTR.id]: { S: breakerKey('type:a') },
      [BATTR.state]: { S: 'half_open' },
    };

    expect(itemToBreaker(item)).toEqual({
      key: 'type:a',
      state: 'half_open',
      since: 0,
      by: 'unknown',
      probesLeft: 0,
      probeSuccesses: 0,
      version: 0,
      buckets: [],
    });
  });

  it('refuses an item with no id, naming it by an empty id', () => {
    const error = thrownBy({ [BATTR.state]: { S: 'open' } });

    expect(error).toBeInstanceOf(MalformedItemError);
    expect((error as Error).message).toBe('item "" is not a breaker');
  });

  it('refuses an item keyed as something else, even with a valid state', () => {
    const error = thrownBy({ [BATTR.id]: { S: 'flow#pauses' }, [BATTR.state]: { S: 'open' } });

    expect(error).toBeInstanceOf(MalformedItemError);
    expect((error as Error).message).toBe('item "flow#pauses" is not a breaker');
  });
});
