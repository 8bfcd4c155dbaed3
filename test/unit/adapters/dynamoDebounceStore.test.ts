import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDebounceStore } from '../../../functions/adapters/dynamodb/DynamoDebounceStore.js';
import { TaskStoreError } from '../../../functions/adapters/dynamodb/TaskStoreError.js';

const refused = Object.assign(new Error('refused'), { name: 'ConditionalCheckFailedException' });
const mine = { taskId: 'A', enqueuedAt: 5 };

/** A client at the SDK edge: refuses every put, and answers a get with `get`. */
function client(get: () => Promise<unknown>) {
  return {
    send: async (command: unknown) => {
      if (command instanceof PutItemCommand) throw refused;
      if (command instanceof GetItemCommand) return get();
      throw new Error('unexpected command');
    },
  } as never;
}

// The cases the emulators cannot stage: an item that went (TTL) or is torn between the
// refused put and its read, and a read that fails.
describe('DynamoDebounceStore after a refused offer', () => {
  it('keeps the offered task when the item is gone or names no task', async () => {
    for (const Item of [undefined, { id: { S: 'flow#debounce#k' } }]) {
      const store = new DynamoDebounceStore(
        client(async () => ({ Item })),
        't',
      );
      expect(await store.offer('k', mine, 1)).toEqual(mine);
    }
  });

  it('reads a later task with no time as NaN, never as this one', async () => {
    const store = new DynamoDebounceStore(
      client(async () => ({ Item: { latestId: { S: 'B' } } })),
      't',
    );
    expect(await store.offer('k', mine, 1)).toEqual({ taskId: 'B', enqueuedAt: Number.NaN });
  });

  it('names the key and the cause when the read fails', async () => {
    const down = Object.assign(new Error('down'), { name: 'InternalServerError' });
    const store = new DynamoDebounceStore(
      client(() => Promise.reject(down)),
      't',
    );
    const error = await store.offer('k', mine, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskStoreError);
    expect(error).toMatchObject({ operation: 'debounce', taskId: 'flow#debounce#k' });
  });
});
