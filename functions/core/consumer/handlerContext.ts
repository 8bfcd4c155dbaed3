import type { Logger } from '../ports.js';
import type { TaskRecord } from '../status.js';
import type { TaskContext } from '../task.js';
import type { Enqueuer } from './Enqueuer.js';

/** The context a handler gets for one attempt; its logger tags every line with the task. */
export function handlerContext(
  record: TaskRecord,
  signal: AbortSignal,
  logger: Logger,
  enqueuer: Enqueuer,
): TaskContext {
  const task = { taskId: record.id, type: record.type, attempt: record.attempts };
  return {
    taskId: record.id,
    type: record.type,
    attempt: record.attempts,
    maxAttempts: record.maxAttempts,
    // The task id is stable across attempts, so downstream can drop a repeated side effect.
    idempotencyKey: record.id,
    signal,
    logger: {
      debug: (m, ...e) => logger.debug(m, task, ...e),
      info: (m, ...e) => logger.info(m, task, ...e),
      warn: (m, ...e) => logger.warn(m, task, ...e),
      error: (m, ...e) => logger.error(m, task, ...e),
    },
    enqueue: (type, payload, options) => enqueuer.enqueue(type, payload, options),
  };
}
