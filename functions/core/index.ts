export { type BackoffPolicy, backoffDelayMs, DEFAULT_BACKOFF } from './backoff.js';
export {
  type Envelope,
  envelopeSchema,
  parseEnvelope,
  serializeEnvelope,
  TASK_ID_PATTERN,
  TASK_TYPE_PATTERN,
} from './envelope.js';
export {
  AttemptsExhaustedError,
  ConfigError,
  DeadlineError,
  type ErrorCode,
  InvalidPayloadError,
  PermanentError,
  PoisonMessageError,
  RetryableError,
  TaskpipeError,
  TaskTimeoutError,
} from './errors.js';
export { newTaskId, taskIdForIdempotencyKey } from './ids.js';
export { newEnvelope } from './newEnvelope.js';
export type { Clock, Logger, QueuePort, TaskStore } from './ports.js';
export { createRegistry, TaskRegistry } from './registry.js';
export type { TaskRecord, TaskStatus } from './status.js';
export {
  type AnyTaskDefinition,
  DEFAULT_POLICY,
  defineTask,
  type PayloadOf,
  type TaskContext,
  type TaskDefinition,
  TRACKING_LEVELS,
  type TrackingLevel,
} from './task.js';
