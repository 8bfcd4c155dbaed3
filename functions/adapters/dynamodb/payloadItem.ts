import { ATTR, type Item, num, str } from './taskItem.js';

/**
 * Payloads up to this many bytes of JSON stay on the task's row; larger ones get an item
 * of their own. DynamoDB bills a write by the item's size (1 KB units, the larger of before
 * and after), so a large payload on the row would multiply the cost of every status write.
 */
export const INLINE_PAYLOAD_BYTES = 512;
/**
 * A payload item outlives the row's retention by SQS's longest, so a task whose row is
 * refreshed while its messages come and go still has its payload for an operator's retry.
 */
export const PAYLOAD_EXTRA_SECONDS = 14 * 86_400;

/** The payload item's key: `#` cannot occur in a task id, so it never names a task. */
export function payloadKey(taskId: string): string {
  return `${taskId}#payload`;
}

export function shouldInline(json: string): boolean {
  return Buffer.byteLength(json) <= INLINE_PAYLOAD_BYTES;
}

export function newPayloadItem(taskId: string, json: string, expiresAt: number): Item {
  return {
    [ATTR.id]: str(payloadKey(taskId)),
    [ATTR.payload]: str(json),
    [ATTR.expiresAt]: num(expiresAt + PAYLOAD_EXTRA_SECONDS),
  };
}
