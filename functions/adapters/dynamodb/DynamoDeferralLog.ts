import { type DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { DeferralLog, DeferralNote } from '../../core/consumer/admission/types.js';
import { isConditionFailure } from './conditionalPut.js';
import { ExpressionBuilder } from './ExpressionBuilder.js';
import { TaskStoreError } from './TaskStoreError.js';
import { ATTR, num, str } from './taskItem.js';

const DAY_SECONDS = 86_400;

/**
 * Notes a deferral on the task row, for `status` and the console: one conditional update.
 * A task that has no row yet (sent straight to SQS) gets one, QUEUED, as its claim would
 * make it; an ended task is left alone.
 */
export class DynamoDeferralLog implements DeferralLog {
  constructor(
    private readonly options: {
      client: DynamoDBClient;
      tableName: string;
      /** @default 30 */
      retentionDays?: number;
    },
  ) {}

  async noteDeferral(note: DeferralNote): Promise<void> {
    const e = new ExpressionBuilder();
    const expiresAt = Math.floor(note.at / 1000) + (this.options.retentionDays ?? 30) * DAY_SECONDS;
    const waiting = {
      reason: note.reason,
      ...(note.detail ? { detail: note.detail } : {}),
      at: note.at,
      until: note.until,
    };
    e.setValue(ATTR.waiting, str(JSON.stringify(waiting)))
      .add(ATTR.deferrals, num(1))
      .setIfAbsent(ATTR.status, str('QUEUED'))
      .setIfAbsent(ATTR.type, str(note.type))
      .setIfAbsent(ATTR.priority, str(note.priority))
      .setIfAbsent(ATTR.attempts, num(0))
      .setIfAbsent(ATTR.maxAttempts, num(note.maxAttempts))
      .setIfAbsent(ATTR.createdAt, num(note.at))
      .setIfAbsent(
        ATTR.enqueuedAt,
        num(Number.isFinite(note.enqueuedAt) ? note.enqueuedAt : note.at),
      )
      .setIfAbsent(ATTR.expiresAt, num(expiresAt));
    const status = e.name(ATTR.status);
    const condition =
      `attribute_not_exists(${e.name(ATTR.id)})` +
      ` OR ${status} IN (${e.value(str('QUEUED'))}, ${e.value(str('RETRYING'))}, ${e.value(str('RUNNING'))})`;
    try {
      await this.options.client.send(
        new UpdateItemCommand({
          TableName: this.options.tableName,
          Key: { [ATTR.id]: str(note.id) },
          UpdateExpression: e.updateExpression(),
          ConditionExpression: condition,
          ...e.attributes(),
        }),
      );
    } catch (error) {
      // Ended meanwhile: the deferred copy will find it ended and be acknowledged.
      if (isConditionFailure(error)) return;
      throw new TaskStoreError('noteDeferral', note.id, error);
    }
  }
}
