import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { TaskRecord } from '../../core/status.js';
import { conditionalPut, isConditionFailure } from './conditionalPut.js';
import type { ExpressionBuilder } from './ExpressionBuilder.js';
import { TaskStoreError, type TaskStoreOperation } from './TaskStoreError.js';
import { ATTR, type Item, itemToRecord, MalformedItemError, str } from './taskItem.js';

/** A conditional write either applied (the item after it) or not (the item as it is now). */
export type WriteOutcome =
  | { applied: true; record: TaskRecord; item: Item }
  | { applied: false; current?: TaskRecord };

/**
 * The DynamoDB calls behind the task store: one conditional put or update, or one
 * consistent read. Failed conditions become outcomes; every other error a TaskStoreError.
 */
export class TaskTable {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  /** Puts `item` if `condition` holds. */
  async put(
    operation: TaskStoreOperation,
    item: Item,
    e: ExpressionBuilder,
    condition: string,
  ): Promise<WriteOutcome> {
    const id = item[ATTR.id]?.S ?? '';
    return this.conditional(operation, id, async () => {
      const command = new PutItemCommand({
        TableName: this.tableName,
        Item: item,
        ConditionExpression: condition,
        ...e.attributes(),
        // Stryker disable next-line StringLiteral: without the old item, the consistent read that follows answers the same (dynalite never returns it)
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
      await this.client.send(command);
      return item;
    });
  }

  /** Puts an item that is not a task (a payload) if `condition` holds; says whether it did. */
  async putRaw(
    operation: TaskStoreOperation,
    item: Item,
    e: ExpressionBuilder,
    condition: string,
  ): Promise<boolean> {
    const id = item[ATTR.id]?.S ?? '';
    return conditionalPut(
      this.client,
      this.tableName,
      item,
      e,
      condition,
      (error) => new TaskStoreError(operation, id, error),
    );
  }

  /** Deletes an item that is not a task (a payload), whether or not it exists. */
  async deleteRaw(operation: TaskStoreOperation, key: string): Promise<void> {
    await this.call(operation, key, () =>
      this.client.send(
        new DeleteItemCommand({ TableName: this.tableName, Key: { [ATTR.id]: str(key) } }),
      ),
    );
  }

  /** Applies the builder's update to item `id` if `condition` holds. */
  async update(
    operation: TaskStoreOperation,
    id: string,
    e: ExpressionBuilder,
    condition: string,
  ): Promise<WriteOutcome> {
    return this.conditional(operation, id, async () => {
      const command = new UpdateItemCommand({
        ...this.onItem(id, e, condition),
        UpdateExpression: e.updateExpression(),
        ReturnValues: 'ALL_NEW',
        // Stryker disable next-line StringLiteral: without the old item, the consistent read that follows answers the same (dynalite never returns it)
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
      return (await this.client.send(command)).Attributes ?? {};
    });
  }

  /** Deletes item `id` if `condition` holds. */
  async delete(
    operation: TaskStoreOperation,
    id: string,
    e: ExpressionBuilder,
    condition: string,
  ): Promise<WriteOutcome> {
    return this.conditional(operation, id, async () => {
      const command = new DeleteItemCommand({
        ...this.onItem(id, e, condition),
        ReturnValues: 'ALL_OLD',
      });
      return (await this.client.send(command)).Attributes ?? {};
    });
  }

  /** A strongly consistent read, so a write just made is always seen. */
  async read(operation: TaskStoreOperation, id: string): Promise<TaskRecord | undefined> {
    const item = await this.readItem(operation, id);
    return item ? toRecord(operation, id, item) : undefined;
  }

  /** The item under `key` as stored, strongly consistent. */
  async readItem(operation: TaskStoreOperation, key: string): Promise<Item | undefined> {
    const command = new GetItemCommand({
      TableName: this.tableName,
      Key: { [ATTR.id]: str(key) },
      ConsistentRead: true,
    });
    return (await this.call(operation, key, () => this.client.send(command))).Item;
  }

  /** The table, key and condition of a conditional write to item `id`. */
  private onItem(id: string, e: ExpressionBuilder, condition: string) {
    return {
      TableName: this.tableName,
      Key: { [ATTR.id]: str(id) },
      ConditionExpression: condition,
      ...e.attributes(),
    };
  }

  /** Any DynamoDB error becomes a TaskStoreError naming the operation and the key. */
  private async call<T>(operation: TaskStoreOperation, key: string, send: () => Promise<T>) {
    try {
      return await send();
    } catch (error) {
      throw new TaskStoreError(operation, key, error);
    }
  }

  /**
   * A failed condition yields the item as it is now: from the error when DynamoDB returns
   * it (ALL_OLD), else from a consistent read (dynalite never returns it).
   */
  private async conditional(
    operation: TaskStoreOperation,
    id: string,
    write: () => Promise<Item>,
  ): Promise<WriteOutcome> {
    let written: Item;
    try {
      written = await write();
    } catch (error) {
      if (!isConditionFailure(error)) throw new TaskStoreError(operation, id, error);
      const current = error.Item
        ? toRecord(operation, id, error.Item)
        : await this.read(operation, id);
      return { applied: false, current };
    }
    return { applied: true, record: toRecord(operation, id, written), item: written };
  }
}

export function toRecord(operation: TaskStoreOperation, id: string, item: Item): TaskRecord {
  try {
    return itemToRecord(item);
  } catch (error) {
    // Stryker disable next-line ConditionalExpression: itemToRecord throws only MalformedItemError; the guard keeps a bug from passing as a bad item
    if (!(error instanceof MalformedItemError)) throw error;
    throw new TaskStoreError(operation, id, error, {
      reason: `stored item is malformed: ${error.message}`,
      retryable: false,
    });
  }
}
