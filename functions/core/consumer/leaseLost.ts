import type { LogFields, Logger } from '../ports.js';
import type { TaskRecord } from '../status.js';
import type { RecordOutcome } from './types.js';

/** A newer attempt owns the task; leave the message to be redelivered and resolved then. */
export function leaseLost(logger: Logger, record: TaskRecord, log: LogFields): RecordOutcome {
  logger.warn('lease lost to a newer attempt; result not recorded', log);
  return { kind: 'lease_lost', ack: false, taskId: record.id, attempt: record.attempts };
}
