import type { TaskRecord, TimelineEvent } from '../shared/api.js';

/**
 * The attempt timeline of a task, from what its record keeps: when it was enqueued, when
 * its latest attempt started, its last failure and the backoff before the next attempt,
 * and how it ended. Oldest first.
 */
export function timeline(task: TaskRecord): TimelineEvent[] {
  const events: TimelineEvent[] = [
    {
      at: task.enqueuedAt ?? task.createdAt,
      kind: 'enqueued',
      label: `enqueued on ${task.priority}`,
    },
  ];
  if (task.startedAt !== undefined) {
    const wait =
      task.queueWaitMs === undefined ? '' : `, after ${task.queueWaitMs} ms on the queue`;
    events.push({
      at: task.startedAt,
      kind: 'started',
      label: `attempt ${task.attempts} of ${task.maxAttempts} started${wait}`,
    });
  }
  const ended = task.finishedAt ?? task.startedAt ?? task.createdAt;
  if (task.status === 'RETRYING' && task.lastError) {
    const at = task.startedAt === undefined ? ended : task.startedAt + (task.durationMs ?? 0);
    events.push({
      at,
      kind: 'failed',
      label: `attempt ${task.attempts} failed`,
      error: task.lastError,
    });
    if (task.nextAttemptAt !== undefined) {
      const backoff = Math.max(0, Math.round((task.nextAttemptAt - at) / 1000));
      events.push({
        at: task.nextAttemptAt,
        kind: 'retry-scheduled',
        label: `attempt ${task.attempts + 1} due after a backoff of ${backoff} s`,
      });
    }
  } else if (task.status === 'QUEUED' && task.lastError) {
    // Retried by an operator after a failure: the failure stays on the record.
    events.push({
      at: ended,
      kind: 'failed',
      label: `attempt ${task.attempts} failed`,
      error: task.lastError,
    });
  }
  if (task.status === 'SUCCEEDED') {
    const took = task.durationMs === undefined ? '' : ` in ${task.durationMs} ms`;
    events.push({
      at: ended,
      kind: 'succeeded',
      label: `succeeded on attempt ${task.attempts}${took}`,
    });
  }
  if (task.status === 'FAILED') {
    const dlq = task.deadLetteredAt === undefined ? '' : '; copied to the dead-letter queue';
    events.push({
      at: ended,
      kind: 'failed',
      label: `failed for good on attempt ${task.attempts} of ${task.maxAttempts}${dlq}`,
      ...(task.lastError ? { error: task.lastError } : {}),
    });
  }
  if (task.status === 'CANCELLED')
    events.push({ at: ended, kind: 'cancelled', label: 'cancelled' });
  return events.sort((a, b) => a.at - b.at);
}
