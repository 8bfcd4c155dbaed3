import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { RateLimitStore, StoredBucket } from '../../core/flow/RateLimitStore.js';
import type { BucketState } from '../../core/flow/tokenBucket.js';
import { conditionalPut } from './conditionalPut.js';
import { ExpressionBuilder } from './ExpressionBuilder.js';
import { TaskStoreError } from './TaskStoreError.js';
import { ATTR, type Item, num, str } from './taskItem.js';

/** A bucket nobody used for a day is as good as full: let TTL remove it. */
const BUCKET_TTL_SECONDS = 86_400;

/** The item key of a bucket; `#` keys never collide with task ids (ULIDs, `idem-…`). */
export const bucketItemId = (bucket: string) => `flow#rate#${bucket}`;

/**
 * Token buckets in the task table: one item each, with no `status`, so task listings skip
 * them. Each write is a conditional put on the version read.
 */
export class DynamoRateLimitStore implements RateLimitStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async read(bucket: string): Promise<StoredBucket | undefined> {
    const id = bucketItemId(bucket);
    try {
      const out = await this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: { [ATTR.id]: str(id) },
          ConsistentRead: true,
        }),
      );
      return out.Item ? toBucket(out.Item) : undefined;
    } catch (error) {
      throw new TaskStoreError('rateLimit', id, error);
    }
  }

  async write(
    bucket: string,
    state: BucketState,
    expected: number,
  ): Promise<StoredBucket | undefined> {
    const id = bucketItemId(bucket);
    const version = expected + 1;
    const e = new ExpressionBuilder();
    const condition =
      expected === 0
        ? `attribute_not_exists(${e.name(ATTR.id)})`
        : `${e.name('v')} = ${e.value(num(expected))}`;
    const item: Item = {
      [ATTR.id]: str(id),
      tokens: num(state.tokens),
      at: num(state.at),
      v: num(version),
      [ATTR.expiresAt]: num(Math.floor(state.at / 1000) + BUCKET_TTL_SECONDS),
    };
    const wrap = (error: unknown) => new TaskStoreError('rateLimit', id, error);
    const ok = await conditionalPut(this.client, this.tableName, item, e, condition, wrap);
    return ok ? { ...state, version } : undefined;
  }
}

function toBucket(item: Item): StoredBucket | undefined {
  const tokens = Number(item.tokens?.N);
  const at = Number(item.at?.N);
  const version = Number(item.v?.N);
  // An unreadable bucket is rewritten from full, under its version.
  if (!Number.isFinite(version)) return undefined;
  if (!Number.isFinite(tokens) || !Number.isFinite(at)) return { tokens: 0, at: 0, version };
  return { tokens, at, version };
}
