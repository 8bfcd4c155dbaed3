import type { ResolvedQueue } from '../definition/checks.js';

/** Queue names of one priority; FIFO queues need the `.fifo` suffix. */
export function localQueueNames(
  pipelineName: string,
  q: ResolvedQueue,
): { name: string; dlqName: string } {
  const suffix = q.fifo ? '.fifo' : '';
  return {
    name: `${pipelineName}-${q.priority}${suffix}`,
    dlqName: `${pipelineName}-${q.priority}-dlq${suffix}`,
  };
}

/** CreateQueue attributes of a priority's dead-letter queue. */
export function deadLetterQueueAttributes(q: ResolvedQueue): Record<string, string> {
  return {
    MessageRetentionPeriod: String(q.deadLetterRetentionSeconds),
    ...fifoAttributes(q),
  };
}

/**
 * CreateQueue attributes of a priority's queue, from the same resolved definition the CDK
 * stack renders, so the two targets agree.
 */
export function sourceQueueAttributes(q: ResolvedQueue, dlqArn: string): Record<string, string> {
  return {
    VisibilityTimeout: String(q.visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(q.retentionSeconds),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: dlqArn,
      maxReceiveCount: q.maxReceiveCount,
    }),
    ...fifoAttributes(q),
  };
}

/** FIFO queues deduplicate by content, as on AWS, so a raw send needs no deduplication id. */
function fifoAttributes(q: ResolvedQueue): Record<string, string> {
  return q.fifo ? { FifoQueue: 'true', ContentBasedDeduplication: 'true' } : {};
}
