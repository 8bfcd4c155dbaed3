import type { MessageAttributes } from '../ports.js';
import type { FailureReason } from './types.js';

/** SQS allows at most 10 message attributes; ours take this many. */
const OWN_ATTRIBUTES = 7;
const SQS_MAX_ATTRIBUTES = 10;
const MAX_MESSAGE_CHARS = 1024;

export const DLQ_ATTRIBUTE = {
  reason: 'taskpipe.failure-reason',
  code: 'taskpipe.error-code',
  message: 'taskpipe.error-message',
  taskId: 'taskpipe.task-id',
  attempts: 'taskpipe.attempts',
  sourceQueue: 'taskpipe.source-queue',
  failedAt: 'taskpipe.failed-at',
} as const;

export interface DeadLetterFacts {
  reason: FailureReason;
  code: string;
  message: string;
  taskId?: string;
  attempts?: number;
  sourceQueue: string;
  failedAt: number;
}

/**
 * The attributes of a DLQ copy: why it failed, then as many of the original attributes as
 * still fit under the SQS limit (ours win, so an operator always sees the error).
 */
export function deadLetterAttributes(
  facts: DeadLetterFacts,
  original: MessageAttributes,
): MessageAttributes {
  const own: MessageAttributes = {
    [DLQ_ATTRIBUTE.reason]: facts.reason,
    [DLQ_ATTRIBUTE.code]: facts.code,
    [DLQ_ATTRIBUTE.message]: truncate(facts.message || '(no message)', MAX_MESSAGE_CHARS),
    [DLQ_ATTRIBUTE.taskId]: facts.taskId ?? '(none)',
    [DLQ_ATTRIBUTE.attempts]: String(facts.attempts ?? 0),
    [DLQ_ATTRIBUTE.sourceQueue]: facts.sourceQueue,
    [DLQ_ATTRIBUTE.failedAt]: new Date(facts.failedAt).toISOString(),
  };
  const kept = Object.entries(original)
    .filter(([name]) => !name.startsWith('taskpipe.'))
    .slice(0, SQS_MAX_ATTRIBUTES - OWN_ATTRIBUTES);
  return { ...Object.fromEntries(kept), ...own };
}

/** Characters SQS refuses in attribute values (as in bodies), and lone surrogates. */
const NOT_ALLOWED_BY_SQS =
  /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\uD800-\uDBFF\uDC00-\uDFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Cuts to `max` characters, replacing what SQS would refuse, so the DLQ send cannot fail on it. */
function truncate(text: string, max: number): string {
  const clean = text.replace(NOT_ALLOWED_BY_SQS, '\uFFFD');
  return clean.length <= max ? clean : `${clean.slice(0, max - 1)}…`;
}
