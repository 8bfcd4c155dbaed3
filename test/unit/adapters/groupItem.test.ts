import { describe, expect, it } from 'vitest';
import {
  itemToGroup,
  itemToLeaf,
  leafCounts,
  newGroupItem,
} from '../../../functions/adapters/dynamodb/groupItem.js';
import { MalformedItemError } from '../../../functions/adapters/dynamodb/taskItem.js';

describe('group items', () => {
  it('refuses an item that is not a group, whatever state it carries', () => {
    const leaf = { id: { S: 'g#leaf#0' }, groupState: { S: 'OPEN' } };
    const noKey = { groupState: { S: 'SEALED' } };

    expect(() => itemToGroup(leaf)).toThrow(
      new MalformedItemError('item "g#leaf#0" is not a group'),
    );
    expect(() => itemToGroup(noKey)).toThrow(new MalformedItemError('item "" is not a group'));
    expect(() => itemToGroup({ id: { S: 'g#group' } })).toThrow(
      new MalformedItemError('item "g#group" is not a group'),
    );
  });

  it('reads a bare group item with its counts at zero and no optional fields', () => {
    expect(itemToGroup({ id: { S: 'g-1#group' }, groupState: { S: 'OPEN' } })).toStrictEqual({
      id: 'g-1',
      state: 'OPEN',
      added: 0,
      leavesDone: 0,
      failed: 0,
      followUps: [],
      createdAt: 0,
      expiresAt: 0,
    });
  });

  it('reads a fan-in claim whose time is missing as claimed at zero', () => {
    const group = itemToGroup({
      id: { S: 'g#group' },
      groupState: { S: 'SEALED' },
      fanInBy: { S: 'w' },
    });

    expect(group.fanIn).toStrictEqual({ by: 'w', at: 0 });
  });

  it('reads a missing leaf as empty', () => {
    expect(itemToLeaf(undefined)).toStrictEqual({ ended: 0, failedIds: [] });
    expect(leafCounts({})).toStrictEqual({ ended: 0, failed: 0 });
  });

  it('writes an open group without a total or a parent', () => {
    expect(newGroupItem({ id: 'g', followUps: [] }, 5, 9)).toStrictEqual({
      id: { S: 'g#group' },
      groupState: { S: 'OPEN' },
      added: { N: '0' },
      failed: { N: '0' },
      createdAt: { N: '5' },
      expiresAt: { N: '9' },
    });
  });

  it('reads back the callback, with its secret or without', () => {
    const withSecret = newGroupItem(
      { id: 'g', followUps: [], callback: { url: 'https://hook.example/g', secretName: 's' } },
      5,
      9,
    );
    const urlOnly = newGroupItem(
      { id: 'g', followUps: [], callback: { url: 'https://hook.example/g' } },
      5,
      9,
    );

    expect(withSecret.callbackUrl).toStrictEqual({ S: 'https://hook.example/g' });
    expect(withSecret.callbackSecret).toStrictEqual({ S: 's' });
    expect(urlOnly.callbackSecret).toBeUndefined();
    expect(itemToGroup(withSecret).callback).toStrictEqual({
      url: 'https://hook.example/g',
      secretName: 's',
    });
    expect(itemToGroup(urlOnly).callback).toStrictEqual({ url: 'https://hook.example/g' });
  });

  it('writes a sealed group with its total, follow-ups and parent, and reads them back', () => {
    const item = newGroupItem({ id: 'g', total: 3, followUps: ['complete'], parentId: 'p' }, 5, 9);

    expect(item).toStrictEqual({
      id: { S: 'g#group' },
      groupState: { S: 'SEALED' },
      added: { N: '3' },
      failed: { N: '0' },
      createdAt: { N: '5' },
      expiresAt: { N: '9' },
      total: { N: '3' },
      followUps: { SS: ['complete'] },
      parentId: { S: 'p' },
    });
    expect(itemToGroup(item)).toStrictEqual({
      id: 'g',
      state: 'SEALED',
      total: 3,
      added: 3,
      leavesDone: 0,
      failed: 0,
      followUps: ['complete'],
      parentId: 'p',
      createdAt: 5,
      expiresAt: 9,
    });
  });
});
