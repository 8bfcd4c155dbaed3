/**
 * The consumer's metric names, shared by the EMF writer, the alarms and the dashboard so
 * a rename cannot leave an alarm watching a metric nobody sends.
 */
export const TASK_METRICS = {
  succeeded: 'TasksSucceeded',
  failed: 'TasksFailed',
  retried: 'TasksRetried',
  duplicate: 'TasksDuplicate',
  poison: 'TasksPoison',
  deferred: 'TasksDeferred',
  duration: 'TaskDuration',
  queueWait: 'QueueWait',
} as const;

/** The dimension that carries the task type. */
export const TASK_TYPE_DIMENSION = 'TaskType';

/** Flow control's metric names, with no dimension but the service (keys are unbounded). */
export const FLOW_METRICS = {
  breakerOpened: 'BreakerOpened',
  breakerClosed: 'BreakerClosed',
} as const;
