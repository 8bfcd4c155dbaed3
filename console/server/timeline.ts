import type { TaskRecord, TimelineEvent } from '../shared/api.js';

/**
 * The attempt timeline of a task, from what its record keeps: when it was enqueued, when
 * its latest attempt started, each kept failure with the backoff it set before the next
 * attempt, and how it ended. Oldest first.
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
  if (task.failures?.length) events.push(...keptFailures(task));
  else events.push(...lastFailure(task, ended));
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
    const error = task.lastError ?? task.failures?.at(-1)?.error;
    events.push({
      at: ended,
      kind: 'failed',
      label: `failed for good on attempt ${task.attempts} of ${task.maxAttempts}${dlq}`,
      ...(error ? { error } : {}),
    });
  }
  if (task.status === 'CANCELLED')
    events.push({ at: ended, kind: 'cancelled', label: 'cancelled' });
  return events.sort((a, b) => a.at - b.at);
}

/** Each kept failure with its error, and the backoff it set before the next attempt. */
function keptFailures(task: TaskRecord): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  const failures = task.failures ?? [];
  const first = failures[0]?.attempt ?? 1;
  if (first > 1) {
    events.push({
      at: failures[0]?.at ?? task.createdAt,
      kind: 'failed',
      label: `${first - 1} earlier failed attempt${first === 2 ? '' : 's'} not kept (the row keeps the last ${failures.length})`,
    });
  }
  for (const failure of failures) {
    // The failure that ended the task is the last event, "failed for good".
    if (task.status === 'FAILED' && failure.attempt === task.attempts) continue;
    // The last failure's full error (details, longer stack) is the record's own.
    const error =
      failure.attempt === task.attempts && task.lastError ? task.lastError : failure.error;
    events.push({
      at: failure.at,
      kind: 'failed',
      label: `attempt ${failure.attempt} failed`,
      error,
    });
    if (failure.retryAt !== undefined) {
      const backoff = Math.max(0, Math.round((failure.retryAt - failure.at) / 1000));
      events.push({
        at: failure.retryAt,
        kind: 'retry-scheduled',
        label: `attempt ${failure.attempt + 1} due after a backoff of ${backoff} s`,
      });
    }
  }
  return events;
}

/** A row written before failures were kept: its last failure only. */
function lastFailure(task: TaskRecord, ended: number): TimelineEvent[] {
  if (task.status === 'RETRYING' && task.lastError) {
    const at = task.startedAt === undefined ? ended : task.startedAt + (task.durationMs ?? 0);
    const events: TimelineEvent[] = [
      { at, kind: 'failed', label: `attempt ${task.attempts} failed`, error: task.lastError },
    ];
    if (task.nextAttemptAt !== undefined) {
      const backoff = Math.max(0, Math.round((task.nextAttemptAt - at) / 1000));
      events.push({
        at: task.nextAttemptAt,
        kind: 'retry-scheduled',
        label: `attempt ${task.attempts + 1} due after a backoff of ${backoff} s`,
      });
    }
    return events;
  }
  if (task.status === 'QUEUED' && task.lastError) {
    // Retried by an operator after a failure: the failure stays on the record.
    return [
      {
        at: ended,
        kind: 'failed',
        label: `attempt ${task.attempts} failed`,
        error: task.lastError,
      },
    ];
  }
  return [];
}
