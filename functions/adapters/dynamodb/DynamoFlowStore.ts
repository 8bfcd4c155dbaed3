import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type UpdateItemCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { BUCKET_MS } from '../../core/flow/breakerPolicy.js';
import type { FlowStore, PauseList } from '../../core/flow/ports.js';
import type {
  BreakerBucket,
  BreakerRecord,
  PauseRecord,
  PauseScope,
} from '../../core/flow/types.js';
import { isConditionFailure } from './conditionalPut.js';
import { FlowStoreError } from './FlowStoreError.js';
import {
  attemptsAttr,
  BATTR,
  BREAKERS_KEY,
  breakerKey,
  breakerToItem,
  failuresAttr,
  itemToBreaker,
  itemToPauses,
  PAUSE_MAPS,
  PAUSES_KEY,
  pauseValue,
} from './flowItem.js';
import { type Item, num, str } from './taskItem.js';

/** Stale buckets dropped per count write: those just older than the window. */
const STALE_BUCKETS = 6;
/** A pause item created by one writer while another adds to it: a few rounds settle it. */
const PAUSE_ROUNDS = 4;

/**
 * Pauses and breakers in the task table. Every write is a single-item conditional write;
 * names from users (types, hosts) only ever travel as expression attribute names/values.
 */
export class DynamoFlowStore implements FlowStore {
  constructor(private readonly deps: { client: DynamoDBClient; tableName: string }) {}

  async readPauses(): Promise<PauseList> {
    const item = await this.get('readPauses', PAUSES_KEY, true);
    return { queues: itemToPauses(item, 'queue'), types: itemToPauses(item, 'type') };
  }

  async pause(record: PauseRecord): Promise<{ created: boolean; record: PauseRecord }> {
    const map = PAUSE_MAPS[record.scope];
    for (let round = 0; round < PAUSE_ROUNDS; round++) {
      // Into the existing map, unless this name is in it already.
      if (
        await this.update('pause', record.name, {
          UpdateExpression: 'SET #m.#n = :p',
          ConditionExpression: 'attribute_exists(#m) AND attribute_not_exists(#m.#n)',
          ExpressionAttributeNames: { '#m': map, '#n': record.name },
          ExpressionAttributeValues: { ':p': pauseValue(record) },
        })
      ) {
        return { created: true, record };
      }
      const existing = itemToPauses(await this.get('pause', PAUSES_KEY, true), record.scope).find(
        (p) => p.name === record.name,
      );
      if (existing) return { created: false, record: existing };
      // No map yet: create it holding this pause.
      if (
        await this.update('pause', record.name, {
          UpdateExpression: 'SET #m = :m',
          ConditionExpression: 'attribute_not_exists(#m)',
          ExpressionAttributeNames: { '#m': map },
          ExpressionAttributeValues: { ':m': { M: { [record.name]: pauseValue(record) } } },
        })
      ) {
        return { created: true, record };
      }
    }
    throw new FlowStoreError('pause', record.name, new Error('the pause item kept changing'));
  }

  async resume(scope: PauseScope, name: string): Promise<PauseRecord | undefined> {
    const old = await this.update('resume', name, {
      UpdateExpression: 'REMOVE #m.#n',
      ConditionExpression: 'attribute_exists(#m.#n)',
      ExpressionAttributeNames: { '#m': PAUSE_MAPS[scope], '#n': name },
      ReturnValues: 'ALL_OLD',
    });
    if (!old) return undefined;
    // dynalite may answer without the old item; the name was there, so say so.
    const found = itemToPauses(old.Attributes, scope).find((p) => p.name === name);
    return found ?? { scope, name, since: 0, by: 'unknown' };
  }

  async readBreaker(key: string): Promise<BreakerRecord | undefined> {
    const item = await this.get('readBreaker', breakerKey(key), false);
    return item ? itemToBreaker(item) : undefined;
  }

  async listBreakers(): Promise<BreakerRecord[]> {
    const index = await this.get('listBreakers', BREAKERS_KEY, false);
    const keys = index?.[BATTR.keys]?.SS ?? [];
    const records = await Promise.all(keys.sort().map((key) => this.readBreaker(key)));
    return records.filter((r): r is BreakerRecord => r !== undefined);
  }

  async addCounts(key: string, bucket: BreakerBucket, windowMs: number): Promise<BreakerRecord> {
    const names: Record<string, string> = {
      '#a': attemptsAttr(bucket.start),
      '#f': failuresAttr(bucket.start),
      '#st': BATTR.state,
      '#si': BATTR.since,
      '#by': BATTR.by,
      '#ve': BATTR.version,
      '#pl': BATTR.probesLeft,
      '#ps': BATTR.probeSuccesses,
    };
    const stale: string[] = [];
    for (let i = 0; i < STALE_BUCKETS; i++) {
      const start = bucket.start - windowMs - i * BUCKET_MS;
      names[`#sa${i}`] = attemptsAttr(start);
      names[`#sf${i}`] = failuresAttr(start);
      stale.push(`#sa${i}`, `#sf${i}`);
    }
    const out = await this.update('addCounts', key, {
      UpdateExpression: `SET #st = if_not_exists(#st, :closed), #si = if_not_exists(#si, :now), #by = if_not_exists(#by, :by), #ve = if_not_exists(#ve, :zero), #pl = if_not_exists(#pl, :zero), #ps = if_not_exists(#ps, :zero) REMOVE ${stale.join(', ')} ADD #a :a, #f :f`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: {
        ':closed': str('closed'),
        ':now': num(bucket.start),
        ':by': str('breaker'),
        ':zero': num(0),
        ':a': num(bucket.attempts),
        ':f': num(bucket.failures),
      },
      Key: { [BATTR.id]: str(breakerKey(key)) },
      ReturnValues: 'ALL_NEW',
    });
    // Some emulators return no attributes: read them back.
    // Stryker disable next-line OptionalChaining: with no condition, the update always answers
    if (out?.Attributes) return itemToBreaker(out.Attributes);
    const record = await this.readBreaker(key);
    if (!record) throw new FlowStoreError('addCounts', key, new Error('the breaker item vanished'));
    return record;
  }

  async transition(next: BreakerRecord): Promise<boolean> {
    const { client, tableName } = this.deps;
    try {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: breakerToItem(next),
          ConditionExpression: 'attribute_not_exists(#id) OR #ve = :prev',
          ExpressionAttributeNames: { '#id': BATTR.id, '#ve': BATTR.version },
          ExpressionAttributeValues: { ':prev': num(next.version - 1) },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw new FlowStoreError('transition', next.key, error);
    }
    // Listed for operators; idempotent, and only on a transition, which is rare.
    await this.update('transition', next.key, {
      Key: { [BATTR.id]: str(BREAKERS_KEY) },
      UpdateExpression: 'ADD #k :k',
      ExpressionAttributeNames: { '#k': BATTR.keys },
      ExpressionAttributeValues: { ':k': { SS: [next.key] } },
    });
    return true;
  }

  private async get(operation: string, id: string, consistent: boolean): Promise<Item | undefined> {
    try {
      const out = await this.deps.client.send(
        new GetItemCommand({
          TableName: this.deps.tableName,
          Key: { [BATTR.id]: str(id) },
          ConsistentRead: consistent,
        }),
      );
      return out.Item;
    } catch (error) {
      throw new FlowStoreError(operation, id, error);
    }
  }

  /** The update's answer, or undefined when its condition failed. */
  private async update(
    operation: string,
    subject: string,
    input: {
      UpdateExpression: string;
      ConditionExpression?: string;
      ExpressionAttributeNames: Record<string, string>;
      ExpressionAttributeValues?: Record<string, AttributeValue>;
      Key?: Item;
      ReturnValues?: 'ALL_OLD' | 'ALL_NEW';
    },
  ): Promise<UpdateItemCommandOutput | undefined> {
    try {
      return await this.deps.client.send(
        new UpdateItemCommand({
          TableName: this.deps.tableName,
          Key: { [BATTR.id]: str(PAUSES_KEY) },
          ...input,
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw new FlowStoreError(operation, subject, error);
    }
  }
}
