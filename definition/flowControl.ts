import { deferringSettings, type FlowSettings } from '../functions/core/flow/flowSettings.js';
import { EMAIL_SEND_TYPE } from '../functions/email/sendRate.js';
import type { PipelineConfig } from './checks.js';

/**
 * Flow control defers a task by re-sending it with a delay (DESIGN §11), which a FIFO
 * queue cannot take. Any type may be sent to any queue, so a pipeline with a FIFO queue
 * cannot have a type that rate-limits, holds key concurrency or debounces.
 */
export function flowControlProblems(
  config: PipelineConfig,
  definitions: readonly (FlowSettings & { type: string })[],
): string[] {
  const fifo = config.queues.filter((q) => q.fifo).map((q) => `"${q.priority}"`);
  if (fifo.length === 0) return [];
  return definitions.flatMap((d) => {
    const settings = deferringSettings(d);
    if (settings.length === 0) return [];
    return [
      `task type "${d.type}" has ${settings.join(', ')}, but queue ${fifo.join(', ')} is FIFO: a FIFO queue takes no per-message delay, so flow control cannot defer its tasks; remove the setting or make the queue standard`,
    ];
  });
}

/**
 * Why `email.send`'s default send rate (`email.maxSendRate`) does not hold on the FIFO
 * queues, when the pipeline has any and the type sets no rate limit of its own: flow
 * control skips FIFO messages. A warning, not a problem: the tasks still run, and SES's
 * throttling is retried with backoff.
 */
export function emailSendRateNotes(
  config: PipelineConfig,
  definitions: readonly (FlowSettings & { type: string })[],
): string[] {
  const fifo = config.queues.filter((q) => q.fifo).map((q) => `"${q.priority}"`);
  const email = definitions.find((d) => d.type === EMAIL_SEND_TYPE);
  if (fifo.length === 0 || !email || email.rateLimit) return [];
  return [
    `email.send sent to FIFO queue ${fifo.join(', ')} is not held to email.maxSendRate (${config.email.maxSendRate}/s): a FIFO queue takes no per-message delay, so flow control cannot defer its tasks; SES throttling there is retried with backoff. Send email through a standard queue to keep the rate (docs/email.md).`,
  ];
}
