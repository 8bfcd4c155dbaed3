import type { LogFields, Logger } from '../ports.js';
import type { TaskRecord } from '../status.js';
import type { RecordOutcome } from './types.js';

/**
 * The task moved on without this attempt (a newer attempt took it, or it ended or was
 * cancelled meanwhile); leave the message to be redelivered and resolved then.
 */
export function leaseLost(logger: Logger, record: TaskRecord, log: LogFields): RecordOutcome {
  logger.warn('task moved on without this attempt; result not recorded', log);
  return { kind: 'lease_lost', ack: false, taskId: record.id, attempt: record.attempts };
}
