import { TaskTimeoutError } from '../errors.js';

/**
 * Runs `fn` with a signal that aborts after `timeoutMs`, and stops waiting for it then:
 * a handler that ignores its signal cannot hold the record past its deadline.
 */
export async function runWithTimeout<T>(
  fn: (signal: AbortSignal) => Promise<T> | T,
  timeoutMs: number,
  reason: 'task_timeout' | 'deadline',
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        // Built only when it fires: an error captures a stack, and most tasks end in time.
        const timeoutError = new TaskTimeoutError(timeoutMs, reason);
        controller.abort(timeoutError);
        reject(timeoutError);
      },
      Math.max(0, timeoutMs),
    );
  });
  try {
    // Promise.resolve().then turns a synchronous throw into a rejection of this record only.
    return await Promise.race([Promise.resolve().then(() => fn(controller.signal)), expired]);
  } finally {
    clearTimeout(timer);
  }
}
