import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { DebounceEntry, DebounceStore } from '../../core/flow/DebounceStore.js';
import { conditionalPut } from './conditionalPut.js';
import { ExpressionBuilder } from './ExpressionBuilder.js';
import { TaskStoreError } from './TaskStoreError.js';
import { ATTR, type Item, num, str } from './taskItem.js';

/** The item key of one debounce key's latest task; `#` keys never collide with task ids. */
export const debounceItemId = (debounceKey: string) => `flow#debounce#${debounceKey}`;

const LATEST_ID = 'latestId';
const LATEST_AT = 'latestAt';

/**
 * Debounce records in the task table: one item per type and key, with no `status`. A put
 * holds only when no later task is recorded, so it is one write whatever the order of
 * deliveries; a refused put reads the item back (dynalite returns no item with the error).
 */
export class DynamoDebounceStore implements DebounceStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async offer(
    debounceKey: string,
    entry: DebounceEntry,
    expiresAt: number,
  ): Promise<DebounceEntry> {
    const id = debounceItemId(debounceKey);
    const e = new ExpressionBuilder();
    const at = e.name(LATEST_AT);
    const mine = e.value(num(entry.enqueuedAt));
    const condition =
      `attribute_not_exists(${e.name(ATTR.id)}) OR ${at} < ${mine}` +
      ` OR (${at} = ${mine} AND ${e.name(LATEST_ID)} <= ${e.value(str(entry.taskId))})`;
    const item = {
      [ATTR.id]: str(id),
      [LATEST_ID]: str(entry.taskId),
      [LATEST_AT]: num(entry.enqueuedAt),
      [ATTR.expiresAt]: num(expiresAt),
    };
    const wrap = (error: unknown) => new TaskStoreError('debounce', id, error);
    if (await conditionalPut(this.client, this.tableName, item, e, condition, wrap)) return entry;
    let stored: Item | undefined;
    try {
      const out = await this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: { [ATTR.id]: str(id) },
          // Stryker disable next-line BooleanLiteral: the emulators read their own writes either way; DynamoDB would not
          ConsistentRead: true,
        }),
      );
      stored = out.Item;
    } catch (error) {
      throw wrap(error);
    }
    const taskId = stored?.[LATEST_ID]?.S;
    // Refused, then gone (TTL): no later task is known, so this one stands.
    // Stryker disable next-line OptionalChaining: a task id implies the item
    return taskId ? { taskId, enqueuedAt: Number(stored?.[LATEST_AT]?.N) } : entry;
  }
}
