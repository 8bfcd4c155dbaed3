import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DynamoDebounceStore,
  debounceItemId,
} from '../../../functions/adapters/dynamodb/DynamoDebounceStore.js';
import { DynamoDeferralLog } from '../../../functions/adapters/dynamodb/DynamoDeferralLog.js';
import { DynamoTaskStore } from '../../../functions/adapters/dynamodb/DynamoTaskStore.js';
import { TaskStoreError } from '../../../functions/adapters/dynamodb/TaskStoreError.js';
import type { DebouncedNote } from '../../../functions/core/flow/DebounceStore.js';
import { type Backend, createTaskTable, uniqueName } from '../../helpers/backends.js';
import { describeOnEachBackend } from '../../helpers/eachBackend.js';

// Rows of a year to come, so that readers, which skip expired items, still see them.
const T0 = Date.UTC(new Date().getUTCFullYear() + 1, 0, 1);
const EXPIRES = T0 / 1_000 + 86_400;

// Debounce's two writes, read back as the raw item a second reader would see: the latest
// task of a key, and the row of a task that a later one replaced.
describeOnEachBackend('debounce items in the task table', (current) => {
  let backend: Backend;
  let tableName: string;
  const missingTable = uniqueName('absent');

  const rawItem = async (id: string) =>
    (
      await backend.dynamodb.send(
        new GetItemCommand({ TableName: tableName, Key: { id: { S: id } }, ConsistentRead: true }),
      )
    ).Item;

  beforeAll(async () => {
    backend = current();
    tableName = uniqueName('debounce');
    await createTaskTable(backend, tableName);
  });

  describe('latest task of a key', () => {
    let store: DynamoDebounceStore;
    beforeAll(() => {
      store = new DynamoDebounceStore(backend.dynamodb, tableName);
    });

    it('keeps the task enqueued last, whatever order the offers come in', async () => {
      const key = uniqueName('k');
      const early = { taskId: 'A', enqueuedAt: T0 };
      const late = { taskId: 'B', enqueuedAt: T0 + 1 };
      expect(await store.offer(key, late, EXPIRES)).toEqual(late);
      expect(await store.offer(key, early, EXPIRES)).toEqual(late);
      expect(await store.offer(key, late, EXPIRES)).toEqual(late);
      const later = { taskId: 'C', enqueuedAt: T0 + 2 };
      expect(await store.offer(key, later, EXPIRES + 1)).toEqual(later);
      expect(await store.offer(key, late, EXPIRES)).toEqual(later);
    });

    it('breaks a tie of enqueue times by the larger id', async () => {
      const key = uniqueName('k');
      const a = { taskId: '01A', enqueuedAt: T0 };
      const b = { taskId: '01B', enqueuedAt: T0 };
      expect(await store.offer(key, a, EXPIRES)).toEqual(a);
      expect(await store.offer(key, b, EXPIRES)).toEqual(b);
      expect(await store.offer(key, a, EXPIRES)).toEqual(b);
    });

    it('keys the item apart from tasks, with no status, and the expiry it was given', async () => {
      const key = uniqueName('k');
      await store.offer(key, { taskId: 'A', enqueuedAt: T0 }, EXPIRES);
      expect(debounceItemId(key)).toBe(`flow#debounce#${key}`);
      expect(await rawItem(debounceItemId(key))).toEqual({
        id: { S: debounceItemId(key) },
        latestId: { S: 'A' },
        latestAt: { N: String(T0) },
        expiresAt: { N: String(EXPIRES) },
      });
    });

    it('names the key and the cause when the table is missing', async () => {
      const missing = new DynamoDebounceStore(backend.dynamodb, missingTable);
      const error = await missing
        .offer('k', { taskId: 'A', enqueuedAt: T0 }, EXPIRES)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TaskStoreError);
      expect(error).toMatchObject({
        operation: 'debounce',
        taskId: 'flow#debounce#k',
        causeName: 'ResourceNotFoundException',
      });
    });
  });

  describe('debounced rows', () => {
    const note = (id: string): DebouncedNote => ({
      id,
      type: 'sync.user',
      priority: 'default',
      maxAttempts: 3,
      enqueuedAt: T0,
      at: T0 + 10_000,
      supersededBy: 'LATER',
    });

    it('ends a task with no row CANCELLED, reason debounced, naming the later task', async () => {
      const log = new DynamoDeferralLog({ client: backend.dynamodb, tableName });
      const id = uniqueName('t');
      expect(await log.cancelDebounced(note(id))).toBe(true);
      expect(await rawItem(id)).toEqual({
        id: { S: id },
        status: { S: 'CANCELLED' },
        cancelReason: { S: 'debounced' },
        supersededBy: { S: 'LATER' },
        finishedAt: { N: String(T0 + 10_000) },
        type: { S: 'sync.user' },
        priority: { S: 'default' },
        attempts: { N: '0' },
        maxAttempts: { N: '3' },
        createdAt: { N: String(T0 + 10_000) },
        enqueuedAt: { N: String(T0) },
        expiresAt: { N: String((T0 + 10_000) / 1_000 + 30 * 86_400) },
      });
      const record = await new DynamoTaskStore({ client: backend.dynamodb, tableName }).get(id);
      expect(record).toMatchObject({
        status: 'CANCELLED',
        cancelReason: 'debounced',
        supersededBy: 'LATER',
        attempts: 0,
      });
    });

    it('cancels a QUEUED or SCHEDULED row that started no attempt, and nothing else', async () => {
      const log = new DynamoDeferralLog({ client: backend.dynamodb, tableName });
      const cases: [string, number, boolean][] = [
        ['QUEUED', 0, true],
        ['SCHEDULED', 0, true],
        ['QUEUED', 1, false],
        ['RETRYING', 1, false],
        ['RUNNING', 1, false],
        ['SUCCEEDED', 1, false],
        ['CANCELLED', 0, false],
      ];
      for (const [status, attempts, cancelled] of cases) {
        const id = uniqueName('t');
        await backend.dynamodb.send(
          new PutItemCommand({
            TableName: tableName,
            Item: { id: { S: id }, status: { S: status }, attempts: { N: String(attempts) } },
          }),
        );
        expect(await log.cancelDebounced(note(id)), `${status} at ${attempts}`).toBe(cancelled);
        const item = await rawItem(id);
        expect(item?.status).toEqual({ S: cancelled ? 'CANCELLED' : status });
        expect(item?.cancelReason).toEqual(cancelled ? { S: 'debounced' } : undefined);
      }
    });

    it('names the task and the cause when the table is missing', async () => {
      const log = new DynamoDeferralLog({ client: backend.dynamodb, tableName: missingTable });
      const error = await log.cancelDebounced(note('t-1')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TaskStoreError);
      expect(error).toMatchObject({
        operation: 'cancelDebounced',
        taskId: 't-1',
        causeName: 'ResourceNotFoundException',
      });
    });
  });
});
