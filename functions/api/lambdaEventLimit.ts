/**
 * Why a request body has the limit it has. API Gateway passes the body inside a JSON
 * event, and Lambda refuses an event over its synchronous payload limit before any code
 * runs, so API Gateway answers 500. Every body up to the limit must therefore fit after
 * JSON escaping, which at worst turns one byte into six (a control character becomes
 * `\u0001`); a larger body whose event still fits gets our 413.
 */

/** Lambda's synchronous invocation payload limit (6 MB), in bytes. */
export const LAMBDA_EVENT_LIMIT_BYTES = 6_291_456;

/** Worst-case growth of a body when escaped into the event: one byte to `\u00XX`. */
export const WORST_ESCAPE_FACTOR = 6;

/**
 * Room for the rest of the event: the request line and headers (API Gateway allows
 * 10,240 bytes) appear up to three times (raw, parsed, cookies) and escape six-fold, plus
 * the request context.
 */
export const EVENT_ROOM_BYTES = 196_608;

/** The largest batch body every event of which fits in Lambda's limit: 1,015,808 bytes. */
export const MAX_BATCH_BODY_BYTES = Math.floor(
  (LAMBDA_EVENT_LIMIT_BYTES - EVENT_ROOM_BYTES) / WORST_ESCAPE_FACTOR,
);
