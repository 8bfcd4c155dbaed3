import type { ApiDefinition } from './api.js';
import type { ConsumerDefinition, QueueDefinition } from './schema.js';

/**
 * Lambda concurrency checks (DESIGN §5). Synth cannot read the account's quota, so the
 * definition's `accountConcurrency` stands for it.
 */

/** Concurrent invocations one provisioned SQS poller runs (docs/scale.md cites the source). */
export const POLLER_CONCURRENCY = 10;
/** The usual regional quota of concurrent executions; a new account's can be as low as 10. */
export const DEFAULT_ACCOUNT_CONCURRENCY = 1_000;
/** Lambda refuses a reservation that leaves fewer than this many executions unreserved. */
export const UNRESERVED_MINIMUM = 100;
/**
 * A generous time for one API request (a DynamoDB write and an SQS send). By Little's law
 * the API then needs rateLimit × this many concurrent executions.
 */
export const API_REQUEST_SECONDS = 0.1;
/** SNS invokes the notifier asynchronously, and Lambda retries a throttled async event. */
export const NOTIFIER_CONCURRENCY = 1;

/** Concurrent executions the API needs at its stage rate limit. */
export function apiConcurrency(api: ApiDefinition): number {
  return Math.max(1, Math.ceil(api.throttling.rateLimit * API_REQUEST_SECONDS));
}

interface ConcurrencyInput {
  accountConcurrency: number;
  consumer: ConsumerDefinition;
  queues: readonly QueueDefinition[];
  api: ApiDefinition;
}

/** Every concurrency problem: the caps against the reservation and against the quota. */
export function concurrencyProblems(config: ConcurrencyInput): string[] {
  const { accountConcurrency, consumer } = config;
  const caps = config.queues.map((q) => q.maxConcurrency);
  const capSum = caps.reduce((a, b) => a + b, 0);
  const capName = config.queues.some((q) => q.provisionedPollers)
    ? `caps (maxConcurrency, or provisionedPollers.max × ${POLLER_CONCURRENCY})`
    : 'maxConcurrency';
  const capText = `the sum of the queues' ${capName} ${caps.join(' + ')} = ${capSum}`;
  const reserved = consumer.reservedConcurrency;
  const problems: string[] = [];
  if (reserved !== undefined && reserved < capSum) {
    problems.push(
      `consumer.reservedConcurrency ${reserved} must be ≥ ${capText}, or throttled batches use up receive counts`,
    );
  }
  if (reserved !== undefined && reserved > accountConcurrency - UNRESERVED_MINIMUM) {
    problems.push(
      `consumer.reservedConcurrency ${reserved} must leave ${UNRESERVED_MINIMUM} of accountConcurrency ${accountConcurrency} unreserved (at most ${accountConcurrency - UNRESERVED_MINIMUM}), as Lambda requires`,
    );
  }
  const api = apiConcurrency(config.api);
  const consumerShare = Math.max(reserved ?? 0, capSum);
  const total = consumerShare + api + NOTIFIER_CONCURRENCY;
  if (total > accountConcurrency) {
    const share =
      consumerShare === capSum ? capText : `consumer.reservedConcurrency ${consumerShare}`;
    problems.push(
      `${share}, plus ${api} for the API (api.throttling.rateLimit ${config.api.throttling.rateLimit} × ${API_REQUEST_SECONDS} s) and ${NOTIFIER_CONCURRENCY} for the notifier, is ${total}: more than accountConcurrency ${accountConcurrency}, the account's Lambda concurrency quota. Throttled batches use up receive counts; lower the caps, or raise the quota (Service Quotas) and then accountConcurrency`,
    );
  }
  return problems;
}

/**
 * The executions the consumer can have at once: its reservation, or what the account's
 * quota leaves beside the API and the notifier. The local runtime throttles beyond it.
 */
export function consumerConcurrencyLimit(config: Omit<ConcurrencyInput, 'queues'>): number {
  if (config.consumer.reservedConcurrency !== undefined) return config.consumer.reservedConcurrency;
  return Math.max(1, config.accountConcurrency - apiConcurrency(config.api) - NOTIFIER_CONCURRENCY);
}
