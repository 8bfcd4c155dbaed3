import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, expect, it } from 'vitest';
import {
  DynamoSentLedger,
  sentEmailKey,
} from '../../../functions/adapters/dynamodb/DynamoSentLedger.js';
import { TaskStoreError } from '../../../functions/adapters/dynamodb/TaskStoreError.js';
import { type Backend, createTaskTable, uniqueName } from '../../helpers/backends.js';
import { describeOnEachBackend } from '../../helpers/eachBackend.js';

describeOnEachBackend('the sent-email ledger', (current) => {
  let backend: Backend;
  let tableName: string;
  let ledger: DynamoSentLedger;
  const now = 1_800_000_000_000;
  beforeAll(async () => {
    backend = current();
    tableName = uniqueName('ledger');
    await createTaskTable(backend, tableName);
    ledger = new DynamoSentLedger({
      client: backend.dynamodb,
      tableName,
      retentionDays: 2,
      clock: { now: () => now },
    });
  });

  it('finds nothing before a send, then the id it recorded', async () => {
    expect(await ledger.find('task-a')).toBeUndefined();
    await ledger.record('task-a', 'ses-1');
    expect(await ledger.find('task-a')).toBe('ses-1');
  });

  it('keeps the first id when a send is recorded twice (the crash window)', async () => {
    await ledger.record('task-b', 'ses-first');
    await ledger.record('task-b', 'ses-second');
    expect(await ledger.find('task-b')).toBe('ses-first');
  });

  it('keeps its item beside the task, without a status, for the retention days', async () => {
    await ledger.record('task-c', 'ses-3');
    const { Item } = await backend.dynamodb.send(
      new GetItemCommand({ TableName: tableName, Key: { id: { S: sentEmailKey('task-c') } } }),
    );
    expect(sentEmailKey('task-c')).toBe('task-c#email');
    expect(Item?.status).toBeUndefined();
    expect(Item?.messageId).toEqual({ S: 'ses-3' });
    expect(Number(Item?.expiresAt?.N)).toBe(Math.floor(now / 1000) + 2 * 86_400);
  });

  it('keeps its item 30 days when no retention is given', async () => {
    const defaults = new DynamoSentLedger({
      client: backend.dynamodb,
      tableName,
      clock: { now: () => now },
    });
    await defaults.record('task-f', 'ses-6');
    const { Item } = await backend.dynamodb.send(
      new GetItemCommand({ TableName: tableName, Key: { id: { S: sentEmailKey('task-f') } } }),
    );
    expect(Number(Item?.expiresAt?.N)).toBe(Math.floor(now / 1000) + 30 * 86_400);
  });

  it('reads an item with no message id as no send', async () => {
    await backend.dynamodb.send(
      new PutItemCommand({ TableName: tableName, Item: { id: { S: sentEmailKey('task-d') } } }),
    );
    expect(await ledger.find('task-d')).toBeUndefined();
  });

  it('names the operation and the key when the table is not there', async () => {
    const lost = new DynamoSentLedger({ client: backend.dynamodb, tableName: `${tableName}-gone` });
    const found = await lost.find('task-e').catch((error: unknown) => error);
    const recorded = await lost.record('task-e', 'x').catch((error: unknown) => error);
    expect(found).toBeInstanceOf(TaskStoreError);
    expect(recorded).toBeInstanceOf(TaskStoreError);
    expect(String((found as Error).message)).toContain('findSentEmail');
    expect(String((recorded as Error).message)).toContain('recordSentEmail');
  });
});
