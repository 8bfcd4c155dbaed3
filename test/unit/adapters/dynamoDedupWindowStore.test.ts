import { describe, expect, it } from 'vitest';
import { DynamoDedupWindowStore } from '../../../functions/adapters/dynamodb/DynamoDedupWindowStore.js';

// A window item without its start (torn by hand) cannot be staged through the store on the
// emulators: a client at the SDK edge answers with one.
describe('DynamoDedupWindowStore', () => {
  it('reads a window item without a start as no window', async () => {
    const client = { send: async () => ({ Item: { id: { S: 'dedup#k' } } }) } as never;
    expect(await new DynamoDedupWindowStore(client, 't').read('k')).toBeUndefined();
  });
});
