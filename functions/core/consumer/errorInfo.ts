import type { TaskpipeError } from '../errors.js';
import type { TaskErrorInfo } from '../status.js';

/** Frames kept of a handler's stack: enough to find the line, small enough for the row. */
const STACK_FRAMES = 12;

/**
 * A handler's failure as the task records and logs it. The stack is the one of what the
 * handler threw (the cause of a wrapped plain `Error`), so `status` shows where it broke.
 */
export function handlerErrorInfo(error: TaskpipeError): TaskErrorInfo {
  const source = error.cause instanceof Error ? error.cause : error;
  const stack = typeof source.stack === 'string' ? source.stack : undefined;
  return {
    code: error.code,
    message: error.message,
    ...(stack
      ? {
          stack: stack
            .split('\n')
            .slice(0, STACK_FRAMES + 1)
            .join('\n'),
        }
      : {}),
  };
}
