import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { expect, it } from 'vitest';
import { DynamoSentLedger } from '../../../functions/adapters/dynamodb/DynamoSentLedger.js';

// Every emulator reads consistently, so only the request shows this: a retry that reads
// just after a send on another instance must see its record, or it sends twice.
it('reads the ledger with a consistent read', async () => {
  const inputs: unknown[] = [];
  const client = {
    send: async (command: { input: unknown }) => {
      inputs.push(command.input);
      return {};
    },
  } as unknown as DynamoDBClient;

  await new DynamoSentLedger({ client, tableName: 'tasks' }).find('task-1');

  expect(inputs).toEqual([expect.objectContaining({ ConsistentRead: true, TableName: 'tasks' })]);
});
