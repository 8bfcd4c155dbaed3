import { setTimeout as delay } from 'node:timers/promises';

/** API calls are retried while a fault makes them fail; the same request is safe to repeat. */
const CALL_TRIES = 20;

/**
 * Calls the local API until it answers 2xx (or `alsoOk` on a later try: an earlier try got
 * through and only its answer was lost); retries 503s only, and throws naming the answer.
 */
export async function callUntilOk(
  apiUrl: string,
  method: string,
  path: string,
  body?: unknown,
  alsoOk?: number,
): Promise<Record<string, unknown>> {
  let last = '';
  for (let attempt = 1; attempt <= CALL_TRIES; attempt++) {
    const res = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (res.ok || (attempt > 1 && res.status === alsoOk)) {
      return JSON.parse(text) as Record<string, unknown>;
    }
    last = `${res.status} ${text.slice(0, 200)}`;
    // Only faults (503s) are worth another try; anything else is a broken run.
    if (res.status !== 503) break;
    await delay(50 * attempt);
  }
  throw new Error(`chaos API call ${method} ${path} failed: ${last}`);
}
