import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDeferralLog } from '../../../functions/adapters/dynamodb/DynamoDeferralLog.js';
import {
  bucketItemId,
  DynamoRateLimitStore,
} from '../../../functions/adapters/dynamodb/DynamoRateLimitStore.js';
import {
  DynamoSlotStore,
  slotsItemId,
} from '../../../functions/adapters/dynamodb/DynamoSlotStore.js';
import { TaskStoreError } from '../../../functions/adapters/dynamodb/TaskStoreError.js';
import type { DeferralNote } from '../../../functions/core/consumer/admission/types.js';
import { type Backend, createTaskTable, uniqueName } from '../../helpers/backends.js';
import { describeOnEachBackend } from '../../helpers/eachBackend.js';

const DAY_SECONDS = 86_400;

// The flow-control items that share the task table: token buckets, concurrency slots and
// deferral notes, each read back as the raw item a second reader would see.
describeOnEachBackend('flow items in the task table', (current) => {
  let backend: Backend;
  let tableName: string;
  const missingTable = uniqueName('absent');

  const rawItem = async (id: string) =>
    (
      await backend.dynamodb.send(
        new GetItemCommand({ TableName: tableName, Key: { id: { S: id } }, ConsistentRead: true }),
      )
    ).Item;
  const putRaw = (item: Record<string, unknown>) =>
    backend.dynamodb.send(new PutItemCommand({ TableName: tableName, Item: item as never }));

  beforeAll(async () => {
    backend = current();
    tableName = uniqueName('flowitems');
    await createTaskTable(backend, tableName);
  });

  describe('token buckets', () => {
    let store: DynamoRateLimitStore;
    beforeAll(() => {
      store = new DynamoRateLimitStore(backend.dynamodb, tableName);
    });

    it('creates a bucket once, then replaces it only from the version read', async () => {
      const bucket = uniqueName('b');
      expect(await store.read(bucket)).toBeUndefined();
      const created = await store.write(bucket, { tokens: 4.5, at: 1_700_000_000_500 }, 0);
      expect(created).toEqual({ tokens: 4.5, at: 1_700_000_000_500, version: 1 });
      expect(await store.write(bucket, { tokens: 9, at: 1 }, 0)).toBeUndefined();
      expect(await store.read(bucket)).toEqual(created);
      const next = await store.write(bucket, { tokens: 3, at: 1_700_000_001_000 }, 1);
      expect(next).toEqual({ tokens: 3, at: 1_700_000_001_000, version: 2 });
      expect(await store.write(bucket, { tokens: 2, at: 1_700_000_002_000 }, 1)).toBeUndefined();
      expect(await store.read(bucket)).toEqual(next);
    });

    it('keys the item apart from tasks, with no status, and lets TTL remove it a day on', async () => {
      const bucket = uniqueName('b');
      await store.write(bucket, { tokens: 1, at: 1_700_000_000_999 }, 0);
      const item = await rawItem(bucketItemId(bucket));
      expect(bucketItemId(bucket)).toBe(`flow#rate#${bucket}`);
      expect(item?.status).toBeUndefined();
      expect(item?.expiresAt).toEqual({ N: String(1_700_000_000 + DAY_SECONDS) });
    });

    it('reads an unreadable bucket as empty under its version, and one with no version as absent', async () => {
      const torn = uniqueName('b');
      await putRaw({ id: { S: bucketItemId(torn) }, tokens: { S: 'x' }, v: { N: '7' } });
      expect(await store.read(torn)).toEqual({ tokens: 0, at: 0, version: 7 });
      const noTime = uniqueName('b');
      await putRaw({ id: { S: bucketItemId(noTime) }, tokens: { N: '2' }, v: { N: '3' } });
      expect(await store.read(noTime)).toEqual({ tokens: 0, at: 0, version: 3 });
      const unversioned = uniqueName('b');
      await putRaw({ id: { S: bucketItemId(unversioned) }, tokens: { N: '2' }, at: { N: '5' } });
      expect(await store.read(unversioned)).toBeUndefined();
    });

    it('names the bucket and the cause when the table is missing', async () => {
      const lost = new DynamoRateLimitStore(backend.dynamodb, missingTable);
      for (const attempt of [
        () => lost.read('k'),
        () => lost.write('k', { tokens: 1, at: 1 }, 0),
      ]) {
        const error = await attempt().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(TaskStoreError);
        expect(error).toMatchObject({
          operation: 'rateLimit',
          taskId: bucketItemId('k'),
          causeName: 'ResourceNotFoundException',
        });
      }
    });
  });

  describe('concurrency slots', () => {
    let store: DynamoSlotStore;
    beforeAll(() => {
      store = new DynamoSlotStore(backend.dynamodb, tableName);
    });

    it('creates slots once, replaces them from the version read, and releases a holder', async () => {
      const slots = uniqueName('s');
      expect(await store.read(slots)).toBeUndefined();
      expect(await store.write(slots, { '01task': 1_000, b: 2_000 }, 0)).toBe(true);
      expect(await store.write(slots, { c: 3_000 }, 0)).toBe(false);
      expect(await store.read(slots)).toEqual({
        holders: { '01task': 1_000, b: 2_000 },
        version: 1,
      });
      expect(await store.write(slots, { '01task': 1_000, b: 2_000, c: 5 }, 1)).toBe(true);
      expect(await store.write(slots, { d: 5 }, 1)).toBe(false);
      // A holder that starts with a digit, as a task id may.
      await store.release(slots, '01task');
      expect(await store.read(slots)).toEqual({ holders: { b: 2_000, c: 5 }, version: 3 });
      expect(slotsItemId(slots)).toBe(`flow#conc#${slots}`);
      expect((await rawItem(slotsItemId(slots)))?.status).toBeUndefined();
    });

    it('expires a day after the latest holder', async () => {
      const slots = uniqueName('s');
      const farOff = Date.now() + 10 * DAY_SECONDS * 1000;
      await store.write(slots, { a: 5, b: farOff }, 0);
      expect((await rawItem(slotsItemId(slots)))?.expiresAt).toEqual({
        N: String(Math.floor(farOff / 1000) + DAY_SECONDS),
      });
      const past = uniqueName('s');
      const before = Math.floor(Date.now() / 1000);
      await store.write(past, { a: 5 }, 0);
      const expiresAt = Number((await rawItem(slotsItemId(past)))?.expiresAt?.N);
      expect(expiresAt).toBeGreaterThanOrEqual(before + DAY_SECONDS);
      expect(expiresAt).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + DAY_SECONDS);
    });

    it('skips an unreadable holder, and reads no version as 0', async () => {
      const slots = uniqueName('s');
      await putRaw({
        id: { S: slotsItemId(slots) },
        holders: { M: { a: { N: '5' }, b: { S: 'soon' } } },
      });
      expect(await store.read(slots)).toEqual({ holders: { a: 5 }, version: 0 });
      const bare = uniqueName('s');
      await putRaw({ id: { S: slotsItemId(bare) }, v: { N: '2' } });
      expect(await store.read(bare)).toEqual({ holders: {}, version: 2 });
    });

    it('gives back nothing when the slots item has expired', async () => {
      const slots = uniqueName('s');
      await expect(store.release(slots, 'a')).resolves.toBeUndefined();
      expect(await rawItem(slotsItemId(slots))).toBeUndefined();
    });

    it('names the slots and the cause when the table is missing', async () => {
      const lost = new DynamoSlotStore(backend.dynamodb, missingTable);
      const attempts = [
        () => lost.read('k'),
        () => lost.write('k', { a: 1 }, 0),
        () => lost.release('k', 'a'),
      ];
      for (const attempt of attempts) {
        const error = await attempt().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(TaskStoreError);
        expect(error).toMatchObject({
          operation: 'concurrency',
          taskId: slotsItemId('k'),
          causeName: 'ResourceNotFoundException',
        });
      }
    });
  });

  describe('deferral notes', () => {
    const note = (id: string, over: Partial<DeferralNote> = {}): DeferralNote => ({
      id,
      type: 'email.send',
      priority: 'high',
      maxAttempts: 4,
      enqueuedAt: 1_700_000_000_000,
      reason: 'rate',
      at: 1_700_000_005_000,
      until: 1_700_000_006_000,
      ...over,
    });

    it('gives a task with no row one, QUEUED, as its claim would', async () => {
      const log = new DynamoDeferralLog({ client: backend.dynamodb, tableName });
      const id = uniqueName('t');
      await log.noteDeferral(note(id, { detail: { key: 'host:a.example', limit: 2 } }));
      expect(await rawItem(id)).toEqual({
        id: { S: id },
        status: { S: 'QUEUED' },
        type: { S: 'email.send' },
        priority: { S: 'high' },
        attempts: { N: '0' },
        maxAttempts: { N: '4' },
        createdAt: { N: '1700000005000' },
        enqueuedAt: { N: '1700000000000' },
        expiresAt: { N: String(1_700_000_005 + 30 * DAY_SECONDS) },
        deferrals: { N: '1' },
        waiting: {
          S: JSON.stringify({
            reason: 'rate',
            detail: { key: 'host:a.example', limit: 2 },
            at: 1_700_000_005_000,
            until: 1_700_000_006_000,
          }),
        },
      });
    });

    it('counts each deferral and keeps what the row already had', async () => {
      const log = new DynamoDeferralLog({ client: backend.dynamodb, tableName, retentionDays: 2 });
      const id = uniqueName('t');
      await log.noteDeferral(note(id, { enqueuedAt: Number.NaN }));
      await log.noteDeferral(
        note(id, {
          reason: 'paused',
          type: 'other',
          at: 1_700_000_009_000,
          until: 1_700_000_010_000,
        }),
      );
      const item = await rawItem(id);
      expect(item).toMatchObject({
        type: { S: 'email.send' },
        createdAt: { N: '1700000005000' },
        enqueuedAt: { N: '1700000005000' },
        expiresAt: { N: String(1_700_000_005 + 2 * DAY_SECONDS) },
        deferrals: { N: '2' },
        waiting: {
          S: JSON.stringify({ reason: 'paused', at: 1_700_000_009_000, until: 1_700_000_010_000 }),
        },
      });
    });

    it('notes a waiting RETRYING or RUNNING task, and leaves an ended one alone', async () => {
      const log = new DynamoDeferralLog({ client: backend.dynamodb, tableName });
      for (const status of ['RETRYING', 'RUNNING', 'SUCCEEDED', 'CANCELLED']) {
        const id = uniqueName('t');
        await putRaw({ id: { S: id }, status: { S: status } });
        await log.noteDeferral(note(id));
        const item = await rawItem(id);
        const ended = status === 'SUCCEEDED' || status === 'CANCELLED';
        expect(item?.status).toEqual({ S: status });
        expect(item?.deferrals).toEqual(ended ? undefined : { N: '1' });
      }
    });

    it('names the task and the cause when the table is missing', async () => {
      const log = new DynamoDeferralLog({ client: backend.dynamodb, tableName: missingTable });
      const error = await log.noteDeferral(note('t-1')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TaskStoreError);
      expect(error).toMatchObject({
        operation: 'noteDeferral',
        taskId: 't-1',
        causeName: 'ResourceNotFoundException',
      });
    });
  });
});
