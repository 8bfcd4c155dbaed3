import { type AttemptFailure, KEPT_FAILURES, type TaskErrorInfo } from '../../core/status.js';
import type { ExpressionBuilder } from './ExpressionBuilder.js';
import type { Item } from './taskItem.js';

/** Past these, a kept failure's message and stack are cut: ten of them stay under 30 KB. */
const MESSAGE_CHARS = 500;
const STACK_CHARS = 2_000;

/**
 * The attribute that keeps attempt `attempt`'s failure: `try0` … `try9`, a ring over the
 * attempt number. Top-level attributes, so a write never depends on a map or list that an
 * earlier write (or an earlier version) may not have made, and the row's size stays bounded.
 */
export function failureSlot(attempt: number): string {
  return `try${attempt % KEPT_FAILURES}`;
}

/** Sets attempt `attempt`'s failure on the row, in the same write as its status. */
export function keepFailure(
  e: ExpressionBuilder,
  attempt: number,
  error: TaskErrorInfo,
  at: number,
  retryAt?: number,
): ExpressionBuilder {
  const kept: AttemptFailure = {
    attempt,
    at,
    error: { code: error.code, message: cut(error.message, MESSAGE_CHARS) },
    // Stryker disable next-line ConditionalExpression: an undefined retryAt vanishes in JSON anyway
    ...(retryAt === undefined ? {} : { retryAt }),
  };
  if (error.stack !== undefined) kept.error.stack = cut(error.stack, STACK_CHARS);
  return e.setValue(failureSlot(attempt), { S: JSON.stringify(kept) });
}

/** The kept failures, oldest first; `undefined` when the row has none. */
export function readFailures(item: Item): AttemptFailure[] | undefined {
  const kept: AttemptFailure[] = [];
  for (let slot = 0; slot < KEPT_FAILURES; slot++) {
    const text = item[`try${slot}`]?.S;
    // Stryker disable next-line ConditionalExpression: JSON.parse(undefined) throws, and the catch leaves it out alike
    if (text === undefined) continue;
    try {
      kept.push(JSON.parse(text) as AttemptFailure);
    } catch {
      // A kept failure is history only: an unreadable one is left out, not the whole row.
    }
  }
  return kept.length ? kept.sort((a, b) => a.attempt - b.attempt) : undefined;
}

function cut(text: string, chars: number): string {
  return text.length > chars ? `${text.slice(0, chars)}…` : text;
}
