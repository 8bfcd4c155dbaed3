import type { Logger } from '../../functions/core/ports.js';
import type { EnqueueOptions, TaskContext } from '../../functions/core/task.js';

/** One call to the test logger. */
export interface LoggedEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  extra: object[];
}

/** One call to `enqueue`. */
export interface EnqueuedTask {
  type: string;
  payload: unknown;
  options?: EnqueueOptions;
}

/** A TaskContext whose signal, logs and follow-up tasks the test controls and inspects. */
export interface TestTaskContext extends TaskContext {
  /** Aborting it fires `signal`. */
  readonly controller: AbortController;
  /** What the handler logged; nothing is printed. */
  readonly logs: LoggedEntry[];
  readonly enqueued: EnqueuedTask[];
}

/** Builds a TaskContext for calling a handler directly; `overrides` replace the defaults. */
export function createTaskContext(
  overrides: Partial<Omit<TaskContext, 'signal' | 'logger' | 'enqueue'>> = {},
): TestTaskContext {
  const controller = new AbortController();
  const logs: LoggedEntry[] = [];
  const enqueued: EnqueuedTask[] = [];
  const record =
    (level: LoggedEntry['level']) =>
    (message: string, ...extra: object[]) => {
      logs.push({ level, message, extra });
    };
  const logger: Logger = {
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };
  return {
    taskId: 'task-0001',
    type: 'test',
    attempt: 1,
    maxAttempts: 3,
    idempotencyKey: 'idem-key-0001',
    ...overrides,
    controller,
    signal: controller.signal,
    logger,
    logs,
    enqueued,
    async enqueue(type, payload, options) {
      enqueued.push({ type, payload, options });
      return `follow-up-${enqueued.length}`;
    },
    group: overrides.group ?? (() => Promise.reject(new Error('no groups in this test'))),
    parent: overrides.parent ?? (() => Promise.resolve(undefined)),
    fanIn: overrides.fanIn ?? (() => Promise.resolve(undefined)),
    signingKey: overrides.signingKey ?? (() => Promise.reject(new Error('no keys in this test'))),
  };
}
