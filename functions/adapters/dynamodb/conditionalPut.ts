import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { ExpressionBuilder } from './ExpressionBuilder.js';
import type { Item } from './taskItem.js';

/** A refused condition, which DynamoDB reports as an error of this name. */
export function isConditionFailure(error: unknown): error is Error & { Item?: Item } {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * Puts `item` if `condition` holds and says whether it did. Any other error goes through
 * `wrap`, so that each store raises its own typed error naming the operation and the id.
 */
export async function conditionalPut(
  client: DynamoDBClient,
  tableName: string,
  item: Item,
  e: ExpressionBuilder,
  condition: string,
  wrap: (error: unknown) => Error,
): Promise<boolean> {
  try {
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: item,
        ConditionExpression: condition,
        ...e.attributes(),
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw wrap(error);
  }
}
