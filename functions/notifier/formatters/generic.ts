import type { AlarmNotice } from '../AlarmNotice.js';
import { cut } from '../text.js';
import { RUNBOOK_CHARS, type WebhookPayload } from './facts.js';

/** Version of the generic body; raised only when a field changes meaning or goes away. */
export const GENERIC_VERSION = 1;

/** Limits of the generic JSON body. */
export interface GenericLimits {
  reasonChars: number;
  runbookChars: number;
}

/** The default limits, used when none are given. */
export const GENERIC_LIMITS: GenericLimits = {
  reasonChars: 8_000,
  runbookChars: RUNBOOK_CHARS * 2,
};

/**
 * Renders a notice as plain JSON: the notice itself, with `source` and `version`. JSON
 * needs no escaping, but text is still cut so one alarm cannot send megabytes. The
 * `dedupeKey` is in the body and, for receivers that use one, the `Idempotency-Key` header.
 */
export function formatGeneric(
  notice: AlarmNotice,
  limits: GenericLimits = GENERIC_LIMITS,
): WebhookPayload {
  return {
    body: {
      source: 'taskpipe',
      version: GENERIC_VERSION,
      ...notice,
      reason: cut(notice.reason, limits.reasonChars),
      ...(notice.runbook ? { runbook: cut(notice.runbook, limits.runbookChars) } : {}),
    },
    headers: { 'idempotency-key': notice.dedupeKey },
  };
}
