import type { AlarmNotice } from '../../../functions/notifier/AlarmNotice.js';
import { dlqAlarmMessage, hostileAlarmMessage, noticeOf } from './alarmFactory.js';

/** The DLQ alarm as a notice. */
export const dlqNotice = (): AlarmNotice => noticeOf(dlqAlarmMessage());

/** Every text field hostile, the reason over 10 KB. */
export const hostileNotice = (): AlarmNotice => noticeOf(hostileAlarmMessage());

/** A notice far over every limit: the longest name and 100 000 three-byte characters. */
export function hugeNotice(): AlarmNotice {
  return {
    ...dlqNotice(),
    name: '警'.repeat(255),
    reason: '警告'.repeat(50_000),
    runbook: `Redrive with: npx taskpipe redrive ${'回'.repeat(20_000)}`,
    dimensions: Array.from({ length: 30 }, (_, i) => ({ name: `D${i}`, value: '値'.repeat(255) })),
  };
}

/** Every string anywhere inside a JSON value. */
export function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}

/** UTF-8 bytes of a value as JSON. */
export const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));

// Zero-width, bidi and other invisible characters that must never reach a chat.
export const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u206F\uFEFF\u061C]/;
