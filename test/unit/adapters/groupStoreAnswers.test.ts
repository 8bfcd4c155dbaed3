import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoGroupStore } from '../../../functions/adapters/dynamodb/DynamoGroupStore.js';
import { GroupStoreError } from '../../../functions/adapters/dynamodb/GroupStoreError.js';

const NOW = Date.UTC(2026, 5, 1);
const conditionFailed = Object.assign(new Error('The conditional request failed'), {
  name: 'ConditionalCheckFailedException',
});
const throttled = Object.assign(new Error('Rate exceeded'), {
  name: 'ProvisionedThroughputExceededException',
});
const group = (state: string, extra: Record<string, unknown> = {}) => ({
  id: { S: 'g#group' },
  groupState: { S: state },
  expiresAt: { N: String(NOW / 1000 + 3600) },
  ...extra,
});

/** A store over a client that answers each request in turn: an answer, or an error thrown. */
function answering(...answers: unknown[]) {
  const commands: string[] = [];
  const client = {
    send: async (command: object) => {
      commands.push(command.constructor.name);
      const answer = answers[commands.length - 1];
      if (commands.length > answers.length)
        throw new Error(`request ${commands.length} unexpected`);
      if (answer instanceof Error) throw answer;
      return answer;
    },
  } as unknown as DynamoDBClient;
  return {
    commands,
    store: new DynamoGroupStore({ client, tableName: 'tasks', clock: { now: () => NOW } }),
  };
}

// The answers emulators do not give on demand: a read failing right after a refused write,
// an applied write whose item is not a group, an item gone between two reads.
describe('DynamoGroupStore answers', () => {
  it('answers a seal and a leaf completion that applied from the write, with no read', async () => {
    const sealing = answering({ Attributes: group('SEALED', { total: { N: '3' } }) });
    const completing = answering({ Attributes: group('SEALED', { leavesDone: { NS: ['0'] } }) });

    const sealed = await sealing.store.seal('g', 3);
    const completed = await completing.store.completeLeaf('g', 0, 0);

    expect(sealed).toMatchObject({ ok: true, group: { state: 'SEALED', total: 3 } });
    expect(completed).toMatchObject({ state: 'SEALED', leavesDone: 1 });
    expect([sealing.commands, completing.commands]).toEqual([
      ['UpdateItemCommand'],
      ['UpdateItemCommand'],
    ]);
  });

  it.each([
    ['addMembers', (s: DynamoGroupStore) => s.add('g', 0, 1)],
    ['seal', (s: DynamoGroupStore) => s.seal('g', 1)],
    ['completeLeaf', (s: DynamoGroupStore) => s.completeLeaf('g', 0, 0)],
    ['claimFanIn', (s: DynamoGroupStore) => s.claimFanIn('g', 'me', 0)],
  ])('names %s when the item its write returned is not a group', async (operation, call) => {
    const { store } = answering({ Attributes: group('LOST') });

    const error = await call(store).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(GroupStoreError);
    expect(error).toMatchObject({ operation, groupId: 'g', retryable: false });
  });

  it.each([
    ['addMembers', (s: DynamoGroupStore) => s.add('g', 0, 1), [throttled]],
    ['addMembers', (s: DynamoGroupStore) => s.add('g', 0, 1), [{ Item: group('OPEN') }, throttled]],
    ['seal', (s: DynamoGroupStore) => s.seal('g', 1), [throttled]],
    ['recordMember', (s: DynamoGroupStore) => s.recordMember('g', 0, 'g.0', false), [throttled]],
    ['claimFanIn', (s: DynamoGroupStore) => s.claimFanIn('g', 'me', 0), [throttled]],
  ])('names %s when a read after its refused write fails', async (operation, call, reads) => {
    const { store } = answering(conditionFailed, ...reads);

    const error = await call(store).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(GroupStoreError);
    expect(error).toMatchObject({ operation, groupId: 'g', retryable: true });
  });

  it('refuses an add as sealed when the group is gone by the read of its chunks', async () => {
    const { store, commands } = answering(conditionFailed, { Item: group('SEALED') }, {});

    const added = await store.add('g', 0, 1);

    expect(added).toMatchObject({ ok: false, reason: 'sealed', group: { state: 'SEALED' } });
    expect(commands).toEqual(['UpdateItemCommand', 'GetItemCommand', 'GetItemCommand']);
  });
});
