import { createWriteStream } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

/**
 * Runs `fn` with a `process.stderr` that a child process can inherit. CDK's local bundling
 * hands `process.stderr` to `spawnSync`, which needs a file descriptor; inside a worker
 * thread (vitest's `threads` pool) stderr is a message port with none, so fd 2 stands in.
 */
export function withSpawnableStderr<T>(fn: () => T): T {
  if (isMainThread) return fn();
  const original = Object.getOwnPropertyDescriptor(process, 'stderr');
  if (!original) return fn();
  const stderr = createWriteStream('', { fd: 2, autoClose: false });
  Object.defineProperty(process, 'stderr', { value: stderr, configurable: true });
  try {
    return fn();
  } finally {
    Object.defineProperty(process, 'stderr', original);
  }
}
