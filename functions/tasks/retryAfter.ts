/** Longest delay a server may ask for; anything longer is cut to this. */
export const MAX_RETRY_AFTER_MS = 15 * 60_000;

const DELTA_SECONDS = /^\d+$/;
// HTTP dates (IMF-fixdate, RFC 850, asctime) all start with a day name. Requiring it keeps
// Date.parse, which is lenient, from reading values such as "7.5" as a date.
const HTTP_DATE = /^[A-Za-z]{3,9},?\s/;

/**
 * Reads a `Retry-After` header value as a delay in milliseconds.
 *
 * Accepts delta-seconds (`120`) or an HTTP date; a date in the past means "now" (0).
 * The result is capped at `maxMs`. Returns `undefined` when the value is absent or
 * malformed, so the caller falls back to its own backoff.
 *
 * @param value - the raw header value
 * @param nowMs - the current time, for HTTP dates
 * @param maxMs - upper bound of the result
 */
export function parseRetryAfter(
  value: string | null | undefined,
  nowMs: number = Date.now(),
  maxMs: number = MAX_RETRY_AFTER_MS,
): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (DELTA_SECONDS.test(text)) return Math.min(Number(text) * 1000, maxMs);
  if (!HTTP_DATE.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - nowMs), maxMs);
}
