import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import {
  DynamoTaskStore,
  type DynamoTaskStoreOptions,
} from '../../functions/adapters/dynamodb/DynamoTaskStore.js';
import type { Item } from '../../functions/adapters/dynamodb/taskItem.js';
import type { Backend } from './backend.js';
import { type BackendFactory, createTaskTable, uniqueName } from './backends.js';

/** A backend with one task table, shared by a suite's tests; read its fields inside tests. */
export interface TaskTableSuite {
  backend: Backend;
  tableName: string;
  /** A store on the table; options such as a clock or a retention may be given. */
  store(options?: Omit<DynamoTaskStoreOptions, 'client' | 'tableName'>): DynamoTaskStore;
  /** The raw item under `key`, read consistently. */
  item(key: string): Promise<Item | undefined>;
}

/**
 * Starts `factory`'s backend and creates a task table before the suite, and stops it after.
 * A backend that cannot run here prints why; the suite's tests skip on `skipReason`.
 */
export function useTaskTable(factory: BackendFactory, suite: string): TaskTableSuite {
  if (factory.skipReason) {
    console.warn(`skipping the ${suite} suite on ${factory.name}: ${factory.skipReason}`);
  }
  const fixture: TaskTableSuite = {
    backend: undefined as unknown as Backend,
    tableName: '',
    store: (options = {}) =>
      new DynamoTaskStore({
        client: fixture.backend.dynamodb,
        tableName: fixture.tableName,
        ...options,
      }),
    item: async (key) =>
      (
        await fixture.backend.dynamodb.send(
          new GetItemCommand({
            TableName: fixture.tableName,
            Key: { id: { S: key } },
            ConsistentRead: true,
          }),
        )
      ).Item,
  };
  beforeAll(async () => {
    if (factory.skipReason) return;
    fixture.backend = await factory.start();
    fixture.tableName = uniqueName('tasks');
    await createTaskTable(fixture.backend, fixture.tableName);
  });
  afterAll(async () => fixture.backend?.stop());
  return fixture;
}
