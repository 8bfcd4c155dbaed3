import { type DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { DeferralLog, DeferralNote } from '../../core/consumer/admission/types.js';
import type { DebouncedNote, DebounceLog } from '../../core/flow/DebounceStore.js';
import { isConditionFailure } from './conditionalPut.js';
import { ExpressionBuilder } from './ExpressionBuilder.js';
import { TaskStoreError } from './TaskStoreError.js';
import { ATTR, num, str } from './taskItem.js';

const DAY_SECONDS = 86_400;

/** The fields of a row that flow control creates, for a task sent straight to SQS. */
type RowNote = Pick<DeferralNote, 'type' | 'priority' | 'maxAttempts' | 'enqueuedAt' | 'at'>;

/**
 * Notes a deferral on the task row, for `status` and the console: one conditional update.
 * A task that has no row yet (sent straight to SQS) gets one, QUEUED, as its claim would
 * make it; an ended task is left alone. A debounced task's row ends CANCELLED the same way.
 */
export class DynamoDeferralLog implements DeferralLog, DebounceLog {
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
    const waiting = {
      reason: note.reason,
      ...(note.detail ? { detail: note.detail } : {}),
      at: note.at,
      until: note.until,
    };
    e.setValue(ATTR.waiting, str(JSON.stringify(waiting)))
      .add(ATTR.deferrals, num(1))
      .setIfAbsent(ATTR.status, str('QUEUED'));
    const status = e.name(ATTR.status);
    const condition =
      `attribute_not_exists(${e.name(ATTR.id)})` +
      ` OR ${status} IN (${e.value(str('QUEUED'))}, ${e.value(str('RETRYING'))}, ${e.value(str('RUNNING'))})`;
    // Ended meanwhile: the deferred copy will find it ended and be acknowledged.
    await this.update('noteDeferral', note.id, this.rowDefaults(e, note), condition);
  }

  async cancelDebounced(note: DebouncedNote): Promise<boolean> {
    const e = new ExpressionBuilder();
    e.setValue(ATTR.status, str('CANCELLED'))
      .setValue(ATTR.finishedAt, num(note.at))
      .setValue(ATTR.cancelReason, str('debounced'))
      .setValue(ATTR.supersededBy, str(note.supersededBy));
    const condition =
      `attribute_not_exists(${e.name(ATTR.id)}) OR (${e.name(ATTR.attempts)} = ${e.value(num(0))}` +
      ` AND ${e.name(ATTR.status)} IN (${e.value(str('QUEUED'))}, ${e.value(str('SCHEDULED'))}))`;
    return this.update('cancelDebounced', note.id, this.rowDefaults(e, note), condition);
  }

  private rowDefaults(e: ExpressionBuilder, note: RowNote): ExpressionBuilder {
    const expiresAt = Math.floor(note.at / 1000) + (this.options.retentionDays ?? 30) * DAY_SECONDS;
    return e
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
  }

  /** One conditional update; says whether the condition held. */
  private async update(
    operation: 'noteDeferral' | 'cancelDebounced',
    id: string,
    e: ExpressionBuilder,
    condition: string,
  ): Promise<boolean> {
    try {
      await this.options.client.send(
        new UpdateItemCommand({
          TableName: this.options.tableName,
          Key: { [ATTR.id]: str(id) },
          UpdateExpression: e.updateExpression(),
          ConditionExpression: condition,
          ...e.attributes(),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw new TaskStoreError(operation, id, error);
    }
  }
}
