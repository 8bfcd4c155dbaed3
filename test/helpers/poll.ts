import { setTimeout as delay } from 'node:timers/promises';

/**
 * Polls `read` until `done` holds, for state that lives in another component (a table
 * row, a queue) and has no event to await. Bounded: throws with the last value seen.
 */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const { timeoutMs = 20_000, intervalMs = 50, what = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!done(last)) {
    if (Date.now() > deadline) {
      throw new Error(
        `${what} not reached within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`,
      );
    }
    await delay(intervalMs);
    last = await read();
  }
  return last;
}
