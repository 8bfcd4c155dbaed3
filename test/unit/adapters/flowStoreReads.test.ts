import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoRateLimitStore } from '../../../functions/adapters/dynamodb/DynamoRateLimitStore.js';
import { DynamoSlotStore } from '../../../functions/adapters/dynamodb/DynamoSlotStore.js';

/** A client that records each request and answers every one with `reply`. */
const recordingClient = (reply: unknown) => {
  const inputs: unknown[] = [];
  const client = {
    send: async (command: { input: unknown }) => {
      inputs.push(command.input);
      return reply;
    },
  } as unknown as DynamoDBClient;
  return { client, inputs };
};

// Every emulator reads consistently, so only the request shows this: a stale read of a
// bucket or of the slots loses the conditional write that follows it, every time.
describe('flow stores read consistently', () => {
  it('reads a token bucket with a consistent read', async () => {
    const { client, inputs } = recordingClient({});

    await new DynamoRateLimitStore(client, 'tasks').read('b');

    expect(inputs).toEqual([expect.objectContaining({ ConsistentRead: true, TableName: 'tasks' })]);
  });

  it('reads concurrency slots with a consistent read', async () => {
    const { client, inputs } = recordingClient({});

    await new DynamoSlotStore(client, 'tasks').read('s');

    expect(inputs).toEqual([expect.objectContaining({ ConsistentRead: true, TableName: 'tasks' })]);
  });
});

describe('DynamoRateLimitStore.read', () => {
  it('reads a bucket with no tokens attribute as empty under its version', async () => {
    const { client } = recordingClient({ Item: { at: { N: '5' }, v: { N: '3' } } });

    expect(await new DynamoRateLimitStore(client, 'tasks').read('b')).toEqual({
      tokens: 0,
      at: 0,
      version: 3,
    });
  });
});
