import type { QueuePort, SchedulerPort } from '../ports.js';
import type { TaskRecord } from '../status.js';
import type { PreparedTask } from './prepareTask.js';
import { MAX_DELAY_SECONDS } from './requests.js';
import { scheduleName } from './taskDelay.js';

/**
 * Sends a prepared task: to its queue, or, for a delay beyond SQS's, as a one-time schedule
 * that sends the same message when it is due.
 */
export async function sendPrepared(
  prepared: Pick<PreparedTask, 'route' | 'message' | 'schedule' | 'task'>,
  deps: { queue: QueuePort; scheduler?: SchedulerPort },
): Promise<void> {
  const { route, message, schedule } = prepared;
  if (!schedule) {
    await deps.queue.send(route.url, message.body, message);
    return;
  }
  if (!deps.scheduler) throw new Error('a scheduled task needs a scheduler');
  await deps.scheduler.create({
    name: scheduleName(prepared.task.id),
    at: schedule.at,
    queueUrl: route.url,
    body: message.body,
    ...(message.groupId ? { groupId: message.groupId } : {}),
  });
}

/** Whether a task was created SCHEDULED: due more than SQS's longest delay after its enqueue. */
export function wasScheduled(record: TaskRecord): boolean {
  const due = record.nextAttemptAt;
  return (
    record.attempts === 0 &&
    due !== undefined &&
    due - (record.enqueuedAt ?? record.createdAt) > MAX_DELAY_SECONDS * 1_000
  );
}
