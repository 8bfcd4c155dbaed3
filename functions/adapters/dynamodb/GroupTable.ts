import {
  BatchGetItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { conditionalPut, isConditionFailure } from './conditionalPut.js';
import { ExpressionBuilder } from './ExpressionBuilder.js';
import { GroupStoreError, type GroupStoreOperation } from './GroupStoreError.js';
import { GATTR, leafKey } from './groupItem.js';
import { type Item, str } from './taskItem.js';

/** BatchGetItem reads at most 100 keys per call. */
const BATCH_GET_KEYS = 100;

/**
 * The DynamoDB calls behind the group store: a conditional put or update (a failed
 * condition is an answer, not an error), a consistent read, and a batch read of leaves.
 * Every other DynamoDB error becomes a GroupStoreError naming the operation and the group.
 */
export class GroupTable {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  /** Leaves `0..leaves-1` that exist, projected to `attributes`, 100 keys per call. */
  async readLeaves(
    operation: GroupStoreOperation,
    groupId: string,
    leaves: number,
    attributes: string[],
  ): Promise<Item[]> {
    const found: Item[] = [];
    let keys: Item[] = Array.from({ length: leaves }, (_, leaf) => ({
      [GATTR.id]: str(leafKey(groupId, leaf)),
    }));
    while (keys.length > 0) {
      const batch = keys.slice(0, BATCH_GET_KEYS);
      const e = new ExpressionBuilder();
      const projection = attributes.map((a) => e.name(a)).join(', ');
      const out = await this.call(operation, groupId, () =>
        this.client.send(
          new BatchGetItemCommand({
            RequestItems: {
              [this.tableName]: {
                Keys: batch,
                ConsistentRead: true,
                ProjectionExpression: projection,
                ExpressionAttributeNames: e.attributes().ExpressionAttributeNames,
              },
            },
          }),
        ),
      );
      found.push(...(out.Responses?.[this.tableName] ?? []));
      // Unprocessed keys (throttling) go round again with the rest.
      const unprocessed = out.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      keys = [...unprocessed, ...keys.slice(BATCH_GET_KEYS)];
    }
    return found;
  }

  /** Whether the put applied. */
  async put(
    operation: GroupStoreOperation,
    groupId: string,
    item: Item,
    e: ExpressionBuilder,
    condition: string,
  ): Promise<boolean> {
    return conditionalPut(
      this.client,
      this.tableName,
      item,
      e,
      condition,
      (error) => new GroupStoreError(operation, groupId, error),
    );
  }

  /** The item after the update, or `undefined` when the condition failed. */
  async update(
    operation: GroupStoreOperation,
    groupId: string,
    key: string,
    e: ExpressionBuilder,
    condition: string,
  ): Promise<Item | undefined> {
    try {
      const out = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { [GATTR.id]: str(key) },
          UpdateExpression: e.updateExpression(),
          ConditionExpression: condition,
          ...e.attributes(),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes ?? {};
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw new GroupStoreError(operation, groupId, error);
    }
  }

  /** The item under `key`, strongly consistent. */
  async read(operation: GroupStoreOperation, groupId: string, key: string) {
    const command = new GetItemCommand({
      TableName: this.tableName,
      Key: { [GATTR.id]: str(key) },
      ConsistentRead: true,
    });
    return (await this.call(operation, groupId, () => this.client.send(command))).Item;
  }

  private async call<T>(operation: GroupStoreOperation, groupId: string, send: () => Promise<T>) {
    try {
      return await send();
    } catch (error) {
      throw new GroupStoreError(operation, groupId, error);
    }
  }
}
