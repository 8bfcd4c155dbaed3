import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { ExpressionBuilder } from './ExpressionBuilder.js';
import { TASK_TABLE } from './tableSchema.js';
import { ATTR, num, str } from './taskItem.js';

/** The keys of the sparse failure indexes: only FAILED items carry them. */
export const FAILURE_KEYS = [ATTR.failedType, ATTR.failedAt, ATTR.failedShard] as const;

/** The all-failures shard of a failure at `at` (epoch ms). */
export function failureShard(at: number): string {
  return String(at % TASK_TABLE.allFailuresIndex.shards);
}

/**
 * Puts the item into both failure indexes as failed at `now`: by its type (`type`, or the
 * item's own `type` attribute when the write does not know it) and across all types.
 */
export function markFailed(
  e: ExpressionBuilder,
  now: number,
  type?: AttributeValue,
): ExpressionBuilder {
  if (type) e.setValue(ATTR.failedType, type);
  else e.set(ATTR.failedType, e.name(ATTR.type));
  return e.setValue(ATTR.failedAt, num(now)).setValue(ATTR.failedShard, str(failureShard(now)));
}
