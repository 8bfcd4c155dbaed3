import type { ResolvedQueue } from './checks.js';

/**
 * The oldest-message-age alarm, in terms of the queue's retention. SQS counts a message
 * as long as it is not deleted, in flight included (docs/queue-age.md), so a retry held
 * invisible by a long backoff or by `Retry-After` grows the age of a healthy queue. The
 * alarm therefore fires only when a message nears the retention at which SQS deletes it
 * unread, not when the consumer is merely busy or waiting to retry.
 */

/** The alarm's threshold in seconds: `percent` of the queue's retention. */
export function oldestMessageAgeThresholdSeconds(q: ResolvedQueue, percent: number): number {
  return Math.ceil((q.retentionSeconds * percent) / 100);
}

/** What the alarm means and what to do, the same on AWS and locally. */
export function oldestMessageAgeRunbook(q: ResolvedQueue, percent: number): string {
  const threshold = oldestMessageAgeThresholdSeconds(q, percent);
  return `A message on the "${q.priority}" queue has waited ${threshold} s, ${percent}% of the queue's retention of ${q.retentionSeconds} s; SQS deletes it unread when the retention ends. Retries kept invisible by a backoff or Retry-After count toward the age, so this is not a busy queue but work at risk: check the consumer's errors, throttles and concurrency on the dashboard, and fix or scale the consumer before the retention runs out.`;
}

/**
 * A task's retries, with their timeouts and largest backoffs, must end before the alarm's
 * threshold, or a healthy retry would page. `windowSeconds` per task type, as
 * `retryWindowProblems` computes it.
 */
export function oldestMessageAgeProblems(
  queues: readonly ResolvedQueue[],
  percent: number,
  windows: readonly { type: string; seconds: number }[],
): string[] {
  if (!queues.length) return [];
  const shortest = queues.reduce((a, b) => (a.retentionSeconds <= b.retentionSeconds ? a : b));
  const threshold = oldestMessageAgeThresholdSeconds(shortest, percent);
  return windows
    .filter((w) => w.seconds >= threshold && w.seconds < shortest.retentionSeconds)
    .map(
      (w) =>
        `alarms.oldestMessageAge.threshold ${percent}% of queue "${shortest.priority}"'s retention is ${threshold} s, but task type "${w.type}" can take ${w.seconds} s through its retries: healthy retries would page. Raise the threshold or the queue's retentionDays`,
    );
}
