import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { DedupWindowStore } from '../../core/service/DedupWindows.js';
import { conditionalPut } from './conditionalPut.js';
import { ExpressionBuilder } from './ExpressionBuilder.js';
import { TaskStoreError } from './TaskStoreError.js';
import { ATTR, num, str } from './taskItem.js';

/** The item key of an idempotency key's dedup window; `#` keys never collide with task ids. */
export const dedupWindowItemId = (keyId: string) => `dedup#${keyId}`;

const WINDOW_START = 'windowStart';

/** Dedup windows in the task table: one item per type and key, with no `status`. */
export class DynamoDedupWindowStore implements DedupWindowStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async read(keyId: string): Promise<number | undefined> {
    const id = dedupWindowItemId(keyId);
    try {
      const out = await this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: { [ATTR.id]: str(id) },
          // Stryker disable next-line BooleanLiteral: the emulators read their own writes either way; DynamoDB would not
          ConsistentRead: true,
        }),
      );
      const start = out.Item?.[WINDOW_START]?.N;
      return start === undefined ? undefined : Number(start);
    } catch (error) {
      throw new TaskStoreError('dedupWindow', id, error);
    }
  }

  open(
    keyId: string,
    start: number,
    previous: number | undefined,
    expiresAt: number,
  ): Promise<boolean> {
    const id = dedupWindowItemId(keyId);
    const e = new ExpressionBuilder();
    const condition =
      previous === undefined
        ? `attribute_not_exists(${e.name(WINDOW_START)})`
        : `${e.name(WINDOW_START)} = ${e.value(num(previous))}`;
    const item = {
      [ATTR.id]: str(id),
      [WINDOW_START]: num(start),
      [ATTR.expiresAt]: num(expiresAt),
    };
    return conditionalPut(
      this.client,
      this.tableName,
      item,
      e,
      condition,
      (error) => new TaskStoreError('dedupWindow', id, error),
    );
  }
}
