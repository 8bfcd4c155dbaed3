import type { EnvelopeLinks } from '../envelope.js';
import { PermanentError } from '../errors.js';
import type { Logger } from '../ports.js';
import type { TaskRecord } from '../status.js';
import type { TaskContext } from '../task.js';
import { currentTraceparent } from '../trace/traceScope.js';
import type { WorkflowContext } from '../workflow/Workflows.js';
import { childTaskId } from '../workflow/workflowIds.js';
import type { Enqueuer } from './Enqueuer.js';

/** Where a handler's groups, parent and fan-in come from; absent, they are refused. */
export interface WorkflowTools {
  context(taskId: string, links: EnvelopeLinks): WorkflowContext;
}

const noWorkflows: WorkflowContext = {
  group: () => Promise.reject(new Error('groups are not configured in this consumer')),
  parent: () => Promise.resolve(undefined),
  fanIn: () => Promise.resolve(undefined),
  signingKey: () =>
    Promise.reject(new PermanentError('callbacks are not configured in this consumer')),
};

/** The context a handler gets for one attempt; its logger tags every line with the task. */
export function handlerContext(
  record: TaskRecord,
  signal: AbortSignal,
  logger: Logger,
  enqueuer: Enqueuer,
  // Stryker disable next-line ObjectLiteral: without tools nothing reads the links, so no links and empty links are alike
  workflow: { links: EnvelopeLinks; tools?: WorkflowTools } = { links: {} },
): TaskContext {
  const task = { taskId: record.id, type: record.type, attempt: record.attempts };
  let children = 0;
  const traceparent = currentTraceparent();
  return {
    taskId: record.id,
    type: record.type,
    attempt: record.attempts,
    maxAttempts: record.maxAttempts,
    // The task id is stable across attempts, so downstream can drop a repeated side effect.
    idempotencyKey: record.id,
    signal,
    ...(traceparent === undefined ? {} : { traceparent }),
    logger: {
      debug: (m, ...e) => logger.debug(m, task, ...e),
      info: (m, ...e) => logger.info(m, task, ...e),
      warn: (m, ...e) => logger.warn(m, task, ...e),
      error: (m, ...e) => logger.error(m, task, ...e),
    },
    enqueue: (type, payload, options = {}) => {
      const { key, ...rest } = options;
      const id = childTaskId(record.id, key ?? `#${children++}`);
      // An idempotency key names its task itself, across parents.
      return enqueuer.enqueue(type, payload, rest, rest.idempotencyKey ? {} : { id });
    },
    ...(workflow.tools?.context(record.id, workflow.links) ?? noWorkflows),
  };
}
