import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoFlowStore } from '../../../functions/adapters/dynamodb/DynamoFlowStore.js';
import { FlowStoreError } from '../../../functions/adapters/dynamodb/FlowStoreError.js';
import {
  BREAKERS_KEY,
  breakerKey,
  PAUSES_KEY,
} from '../../../functions/adapters/dynamodb/flowItem.js';
import { newBreaker } from '../../../functions/core/flow/breaker.js';

// Answers that the emulators never give, or give only some of the time: an update with no
// attributes, a pause item that changes under every write, a listed breaker gone missing.
type Item = Record<string, AttributeValue>;
type Call = { command: string; input: Record<string, unknown> };
type Answer = (call: Call) => unknown;

const conditionFailed = () => {
  throw Object.assign(new Error('The conditional request failed'), {
    name: 'ConditionalCheckFailedException',
  });
};
const missingTable = () => {
  throw Object.assign(new Error('Cannot do operations on a non-existent table'), {
    name: 'ResourceNotFoundException',
  });
};

/** A client that answers each call with the next answer, and refuses to run past them. */
function scripted(...answers: Answer[]) {
  const calls: Call[] = [];
  const client = {
    send: async (command: { input: Record<string, unknown> }) => {
      const call = { command: command.constructor.name, input: command.input };
      calls.push(call);
      const answer = answers[calls.length - 1];
      if (!answer) throw new Error(`unexpected call ${calls.length}: ${call.command}`);
      return answer(call);
    },
  } as unknown as DynamoDBClient;
  return { calls, store: new DynamoFlowStore({ client, tableName: 'tasks' }) };
}

const pauseItem = (map: string, pauses: Record<string, { since: number; by: string }>): Item => ({
  id: { S: PAUSES_KEY },
  [map]: {
    M: Object.fromEntries(
      Object.entries(pauses).map(([name, p]) => [
        name,
        { M: { since: { N: String(p.since) }, by: { S: p.by } } },
      ]),
    ),
  },
});

const breakerItem = (key: string, attempts: number): Item => ({
  id: { S: breakerKey(key) },
  breakerState: { S: 'closed' },
  since: { N: '0' },
  by: { S: 'breaker' },
  probesLeft: { N: '0' },
  probeSuccesses: { N: '0' },
  version: { N: '0' },
  a0: { N: String(attempts) },
  f0: { N: '0' },
});

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('pausing', () => {
  const ann = { scope: 'type', name: 'email.send', since: 5, by: 'ann' } as const;

  it('reports a pause added to an existing map as created, after one write', async () => {
    const { calls, store } = scripted(() => ({}));
    expect(await store.pause(ann)).toEqual({ created: true, record: ann });
    expect(calls).toHaveLength(1);
  });

  it('reads the pause item consistently, so that a pause just made is seen', async () => {
    const { calls, store } = scripted(
      () => ({ Item: pauseItem('pausedTypes', {}) }),
      conditionFailed,
      () => ({ Item: pauseItem('pausedTypes', { 'email.send': { since: 1, by: 'bob' } }) }),
    );
    await store.readPauses();
    expect(await store.pause(ann)).toEqual({
      created: false,
      record: { scope: 'type', name: 'email.send', since: 1, by: 'bob' },
    });
    expect(calls.filter((c) => c.command === 'GetItemCommand').map((c) => c.input)).toEqual([
      expect.objectContaining({ ConsistentRead: true }),
      expect.objectContaining({ ConsistentRead: true }),
    ]);
  });

  it('does not take another name in the map for its own', async () => {
    const { store } = scripted(
      conditionFailed,
      () => ({ Item: pauseItem('pausedTypes', { 'sms.send': { since: 1, by: 'bob' } }) }),
      conditionFailed,
      () => ({}),
    );
    expect(await store.pause(ann)).toEqual({ created: true, record: ann });
  });

  it('gives up after four rounds when the pause item keeps changing', async () => {
    const rounds = Array.from({ length: 4 }, () => [conditionFailed, () => ({}), conditionFailed]);
    const { calls, store } = scripted(...rounds.flat());
    const error = await rejection(store.pause(ann));
    expect(error).toBeInstanceOf(FlowStoreError);
    expect(error).toMatchObject({ operation: 'pause', subject: 'email.send' });
    expect((error as Error).message).toContain('the pause item kept changing');
    expect(calls).toHaveLength(12);
  });

  it('names the pause when reading the pause item fails', async () => {
    const { store } = scripted(conditionFailed, missingTable);
    expect(await rejection(store.pause(ann))).toMatchObject({
      operation: 'pause',
      subject: PAUSES_KEY,
    });
  });

  it('names the pause when creating the map fails', async () => {
    const { store } = scripted(conditionFailed, () => ({}), missingTable);
    expect(await rejection(store.pause(ann))).toMatchObject({
      operation: 'pause',
      subject: 'email.send',
    });
  });
});

describe('resuming', () => {
  it('returns the pause it removed when the old item comes back', async () => {
    const { store } = scripted(() => ({
      Attributes: pauseItem('pausedQueues', {
        low: { since: 42, by: 'ann' },
        high: { since: 7, by: 'bob' },
      }),
    }));
    expect(await store.resume('queue', 'low')).toEqual({
      scope: 'queue',
      name: 'low',
      since: 42,
      by: 'ann',
    });
  });

  it('says the name was paused when the old item does not come back', async () => {
    const { store } = scripted(() => ({}));
    expect(await store.resume('queue', 'low')).toEqual({
      scope: 'queue',
      name: 'low',
      since: 0,
      by: 'unknown',
    });
  });
});

describe('breakers', () => {
  it('reads breakers and their index without paying for consistent reads', async () => {
    const { calls, store } = scripted(
      () => ({}),
      () => ({ Item: { id: { S: BREAKERS_KEY }, keys: { SS: ['type:a'] } } }),
      () => ({ Item: breakerItem('type:a', 1) }),
    );
    await store.readBreaker('type:a');
    await store.listBreakers();
    expect(calls.map((c) => c.input.ConsistentRead)).toEqual([false, false, false]);
  });

  it('lists no breaker, and reads none, before the index exists', async () => {
    const { calls, store } = scripted(
      () => ({}),
      () => ({ Item: breakerItem('type:a', 1) }),
    );
    expect(await store.listBreakers()).toEqual([]);
    expect(calls).toHaveLength(1);
  });

  it('lists no breaker from an index item without keys', async () => {
    const { store } = scripted(() => ({ Item: { id: { S: BREAKERS_KEY } } }));
    expect(await store.listBreakers()).toEqual([]);
  });

  it('leaves out a listed breaker whose item is gone', async () => {
    const { store } = scripted(
      () => ({ Item: { id: { S: BREAKERS_KEY }, keys: { SS: ['type:b', 'type:a'] } } }),
      () => ({ Item: breakerItem('type:a', 1) }),
      () => ({}),
    );
    expect((await store.listBreakers()).map((b) => b.key)).toEqual(['type:a']);
  });

  it('takes the counts from the update when it returns them', async () => {
    const { calls, store } = scripted(() => ({ Attributes: breakerItem('type:a', 3) }));
    const record = await store.addCounts('type:a', { start: 0, attempts: 1, failures: 0 }, 60_000);
    expect(record.buckets).toEqual([{ start: 0, attempts: 3, failures: 0 }]);
    expect(calls).toHaveLength(1);
  });

  it('reads the counts back when the update returns none', async () => {
    const { store } = scripted(
      () => ({}),
      () => ({ Item: breakerItem('type:a', 4) }),
    );
    const record = await store.addCounts('type:a', { start: 0, attempts: 1, failures: 0 }, 60_000);
    expect(record.buckets).toEqual([{ start: 0, attempts: 4, failures: 0 }]);
  });

  it('fails, naming the breaker, when its item is gone after the update', async () => {
    const { store } = scripted(
      () => ({}),
      () => ({}),
    );
    const error = await rejection(
      store.addCounts('type:a', { start: 0, attempts: 1, failures: 0 }, 60_000),
    );
    expect(error).toBeInstanceOf(FlowStoreError);
    expect(error).toMatchObject({ operation: 'addCounts', subject: 'type:a' });
    expect((error as Error).message).toContain('the breaker item vanished');
  });

  it('names the transition when the index write fails', async () => {
    const { store } = scripted(() => ({}), missingTable);
    expect(await rejection(store.transition(newBreaker('type:a', 1)))).toMatchObject({
      operation: 'transition',
      subject: 'type:a',
    });
  });
});
