import { type DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { SlotStore, StoredSlots } from '../../core/flow/SlotStore.js';
import { conditionalPut, isConditionFailure } from './conditionalPut.js';
import { ExpressionBuilder } from './ExpressionBuilder.js';
import { TaskStoreError } from './TaskStoreError.js';
import { ATTR, type Item, num, str } from './taskItem.js';

const SLOTS_TTL_SECONDS = 86_400;

/** The item key of one key's slots; `#` keys never collide with task ids. */
export const slotsItemId = (slots: string) => `flow#conc#${slots}`;

/** Concurrency slots in the task table: one item per type and key, with no `status`. */
export class DynamoSlotStore implements SlotStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async read(slots: string): Promise<StoredSlots | undefined> {
    const id = slotsItemId(slots);
    const out = await this.call(id, () =>
      this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: { [ATTR.id]: str(id) },
          ConsistentRead: true,
        }),
      ),
    );
    const item = out.Item;
    if (!item) return undefined;
    const holders: Record<string, number> = {};
    for (const [holder, value] of Object.entries(item.holders?.M ?? {})) {
      const until = Number(value.N);
      if (Number.isFinite(until)) holders[holder] = until;
    }
    return { holders, version: Number(item.v?.N ?? 0) };
  }

  async write(slots: string, holders: Record<string, number>, expected: number): Promise<boolean> {
    const id = slotsItemId(slots);
    const e = new ExpressionBuilder();
    const condition =
      expected === 0
        ? `attribute_not_exists(${e.name(ATTR.id)})`
        : `${e.name('v')} = ${e.value(num(expected))}`;
    const latest = Math.max(Date.now(), ...Object.values(holders));
    const item: Item = {
      [ATTR.id]: str(id),
      holders: {
        M: Object.fromEntries(Object.entries(holders).map(([h, until]) => [h, num(until)])),
      },
      v: num(expected + 1),
      [ATTR.expiresAt]: num(Math.floor(latest / 1000) + SLOTS_TTL_SECONDS),
    };
    return conditionalPut(this.client, this.tableName, item, e, condition, (error) =>
      this.wrap(id, error),
    );
  }

  async release(slots: string, holder: string): Promise<void> {
    const id = slotsItemId(slots);
    const e = new ExpressionBuilder();
    e.add('v', num(1));
    // A task id may start with a digit, which the builder's names refuse: its own placeholder.
    const update = `REMOVE ${e.name('holders')}.#holder ${e.updateExpression()}`;
    const condition = `attribute_exists(${e.name(ATTR.id)})`;
    const { ExpressionAttributeNames, ...values } = e.attributes();
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { [ATTR.id]: str(id) },
          UpdateExpression: update,
          ConditionExpression: condition,
          ...values,
          ExpressionAttributeNames: { ...ExpressionAttributeNames, '#holder': holder },
        }),
      );
    } catch (error) {
      // No slots item (expired): nothing to give back.
      if (!isConditionFailure(error)) throw this.wrap(id, error);
    }
  }

  private async call<T>(id: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw this.wrap(id, error);
    }
  }

  private wrap(id: string, error: unknown): Error {
    return new TaskStoreError('concurrency', id, error);
  }
}
