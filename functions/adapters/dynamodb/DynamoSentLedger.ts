import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { Clock } from '../../core/ports.js';
import { systemClock } from '../../core/ports.js';
import type { SentLedger } from '../../email/ports.js';
import { conditionalPut } from './conditionalPut.js';
import { ExpressionBuilder } from './ExpressionBuilder.js';
import { TaskStoreError } from './TaskStoreError.js';
import { ATTR, num, str } from './taskItem.js';

const DAY_SECONDS = 86_400;

/** The item of a sent email: `#` cannot occur in a task id, so it never names a task. */
export function sentEmailKey(key: string): string {
  return `${key}#email`;
}

/** Attribute holding the SES message id. */
const MESSAGE_ID = 'messageId';

export interface DynamoSentLedgerOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Kept as long as the task rows (`table.retentionDays`). @default 30 */
  retentionDays?: number;
  clock?: Clock;
}

/**
 * Records sent emails in the task table, one small item per idempotency key beside the
 * task's row (no status, so lists skip it, as they skip payload items).
 */
export class DynamoSentLedger implements SentLedger {
  private readonly retentionSeconds: number;
  private readonly clock: Clock;

  constructor(private readonly options: DynamoSentLedgerOptions) {
    this.retentionSeconds = (options.retentionDays ?? 30) * DAY_SECONDS;
    this.clock = options.clock ?? systemClock;
  }

  async find(key: string): Promise<string | undefined> {
    const id = sentEmailKey(key);
    try {
      const { Item } = await this.options.client.send(
        new GetItemCommand({
          TableName: this.options.tableName,
          Key: { [ATTR.id]: str(id) },
          ConsistentRead: true,
        }),
      );
      return Item?.[MESSAGE_ID]?.S;
    } catch (error) {
      throw new TaskStoreError('findSentEmail', key, error);
    }
  }

  async record(key: string, messageId: string): Promise<void> {
    const e = new ExpressionBuilder();
    const expiresAt = Math.floor(this.clock.now() / 1000) + this.retentionSeconds;
    // The first record wins: a second send (the crash window) keeps the first id.
    await conditionalPut(
      this.options.client,
      this.options.tableName,
      {
        [ATTR.id]: str(sentEmailKey(key)),
        [MESSAGE_ID]: str(messageId),
        [ATTR.expiresAt]: num(expiresAt),
      },
      e,
      `attribute_not_exists(${e.name(ATTR.id)})`,
      (error) => new TaskStoreError('recordSentEmail', key, error),
    );
  }
}
