import { InvalidPayloadError } from '../functions/core/errors.js';
import type { FlowSettings } from '../functions/core/flow/flowSettings.js';
import { notifierTimeoutProblem } from './alarms.js';
import { concurrencyProblems } from './concurrency.js';
import { flowControlProblems } from './flowControl.js';
import { oldestMessageAgeProblems } from './oldestMessageAge.js';
import type { PipelineDefinition, QueueDefinition } from './schema.js';

/**
 * Cross-field checks of a resolved definition (DESIGN §5). Pure: each returns the problems
 * it finds, naming the values, so the CDK app and the local runtime report the same thing.
 */

/** What the checks need from the task registry; a `TaskRegistry` satisfies it. */
export interface TaskPolicies {
  readonly types: string[];
  readonly largestMaxAttempts: number;
  readonly definitions: readonly ({
    type: string;
    maxAttempts: number;
    timeoutMs: number;
    backoff: { baseMs: number; capMs: number };
  } & FlowSettings)[];
  parsePayload(type: string, payload: unknown): unknown;
}

/** A queue with every derived setting filled in. */
export interface ResolvedQueue extends QueueDefinition {
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
  retentionSeconds: number;
  deadLetterRetentionSeconds: number;
}

/** The definition with defaults applied and derived settings resolved. */
export interface PipelineConfig extends Omit<PipelineDefinition, 'queues'> {
  queues: ResolvedQueue[];
}

/** Formats a value for a problem message, short enough to read. */
export function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A standard DLQ expires messages by their original enqueue time. */
export function retentionProblem(q: ResolvedQueue): string | undefined {
  if (q.deadLetterRetentionSeconds > q.retentionSeconds) return undefined;
  return `queue "${q.priority}": deadLetterRetentionDays ${q.deadLetterRetentionDays} (${q.deadLetterRetentionSeconds} s) must be greater than retentionDays ${q.retentionDays} (${q.retentionSeconds} s), or messages expire on the DLQ before anyone sees them`;
}

export function minimumVisibilitySeconds(q: QueueDefinition, timeoutSeconds: number): number {
  return 6 * timeoutSeconds + q.batchingWindowSeconds;
}

export function visibilityProblem(q: ResolvedQueue, timeoutSeconds: number): string | undefined {
  const minimum = minimumVisibilitySeconds(q, timeoutSeconds);
  if (q.visibilityTimeoutSeconds >= minimum) return undefined;
  return `queue "${q.priority}": visibilityTimeoutSeconds ${q.visibilityTimeoutSeconds} must be ≥ 6 × consumer.timeoutSeconds ${timeoutSeconds} + batchingWindowSeconds ${q.batchingWindowSeconds} = ${minimum}`;
}

export function minimumMaxReceiveCount(largestMaxAttempts: number): number {
  return Math.max(5, largestMaxAttempts + 1);
}

/**
 * Receives that start no attempt also count toward maxReceiveCount: a deferral behind a
 * live lease, a record not started near the deadline, a claim that met a DynamoDB error, a
 * crashed invocation. The default leaves room for a few of those above the minimum.
 */
export const RECEIVE_HEADROOM = 5;

export function defaultMaxReceiveCount(largestMaxAttempts: number): number {
  return minimumMaxReceiveCount(largestMaxAttempts) + RECEIVE_HEADROOM;
}

export function maxReceiveCountProblem(q: ResolvedQueue, largestMaxAttempts: number) {
  const minimum = minimumMaxReceiveCount(largestMaxAttempts);
  if (q.maxReceiveCount >= minimum) return undefined;
  return `queue "${q.priority}": maxReceiveCount ${q.maxReceiveCount} must be ≥ max(5, largest task maxAttempts ${largestMaxAttempts} + 1) = ${minimum}`;
}

/** Batching and FIFO limits of the SQS event source. */
export function batchingProblems(q: QueueDefinition): string[] {
  const problems: string[] = [];
  const at = `queue "${q.priority}"`;
  if (q.fifo && q.batchingWindowSeconds > 0) {
    problems.push(
      `${at}: batchingWindowSeconds ${q.batchingWindowSeconds} must be 0 on a FIFO queue`,
    );
  }
  if (q.fifo && q.batchSize > 10) {
    problems.push(`${at}: batchSize ${q.batchSize} must be ≤ 10 on a FIFO queue`);
  }
  if (!q.fifo && q.batchSize > 10 && q.batchingWindowSeconds < 1) {
    problems.push(
      `${at}: batchSize ${q.batchSize} > 10 needs batchingWindowSeconds ≥ 1 (got ${q.batchingWindowSeconds})`,
    );
  }
  return problems;
}

function duplicates(values: readonly string[]): string[] {
  return [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];
}

/** Priorities are unique, listed highest first, with caps that do not grow down the list. */
export function queueSetProblems(config: PipelineConfig): string[] {
  const priorities = config.queues.map((q) => q.priority);
  const problems = duplicates(priorities).map(
    (p) => `queues: priority "${p}" is defined more than once`,
  );
  if (!priorities.includes(config.defaultPriority)) {
    problems.push(
      `defaultPriority "${config.defaultPriority}" is not a queue priority (${priorities.join(', ')})`,
    );
  }
  config.queues.forEach((q, i) => {
    const higher = config.queues[i - 1];
    if (higher && q.maxConcurrency > higher.maxConcurrency) {
      problems.push(
        `queue "${q.priority}": maxConcurrency ${q.maxConcurrency} exceeds ${higher.maxConcurrency} of the higher-priority queue "${higher.priority}" (queues are listed highest priority first)`,
      );
    }
  });
  return problems;
}

export function taskTimeoutProblems(config: PipelineConfig, policies: TaskPolicies): string[] {
  const { timeoutSeconds, safetyMarginMs } = config.consumer;
  const budgetMs = timeoutSeconds * 1000;
  return policies.definitions
    .filter((d) => d.timeoutMs + safetyMarginMs > budgetMs)
    .map(
      (d) =>
        `task type "${d.type}": timeoutMs ${d.timeoutMs} + consumer.safetyMarginMs ${safetyMarginMs} = ${d.timeoutMs + safetyMarginMs} exceeds consumer.timeoutSeconds ${timeoutSeconds} (${budgetMs} ms)`,
    );
}

/**
 * The longest a task can take through all its attempts: every timeout plus the largest
 * backoff before each retry. SQS drops a message at its retention — it does not go to the
 * DLQ — so a task whose retries outlast the shortest queue retention could vanish.
 */
export function retryWindowSeconds(d: TaskPolicies['definitions'][number]): number {
  let backoffMs = 0;
  for (let retry = 1; retry < d.maxAttempts; retry++) {
    backoffMs += Math.min(d.backoff.capMs, d.backoff.baseMs * 2 ** (retry - 1));
  }
  return Math.ceil((backoffMs + d.maxAttempts * d.timeoutMs) / 1000);
}

export function retryWindowProblems(config: PipelineConfig, policies: TaskPolicies): string[] {
  const retentionSeconds = Math.min(...config.queues.map((q) => q.retentionSeconds));
  return policies.definitions.flatMap((d) => {
    const worstSeconds = retryWindowSeconds(d);
    if (worstSeconds < retentionSeconds) return [];
    return [
      `task type "${d.type}": ${d.maxAttempts} attempts with their timeouts and backoff can take ${worstSeconds} s, not less than the shortest queue retention ${retentionSeconds} s; SQS would drop the message before the last attempt`,
    ];
  });
}

/** Failed tasks stay queryable for as long as their messages can be redriven. */
export function tableRetentionProblem(config: PipelineConfig): string | undefined {
  const longest = Math.max(...config.queues.map((q) => q.deadLetterRetentionDays));
  if (config.table.retentionDays >= longest) return undefined;
  return `table.retentionDays ${config.table.retentionDays} must be ≥ the longest deadLetterRetentionDays ${longest}, or failed tasks vanish while their messages can still be redriven`;
}

export function scheduleProblems(config: PipelineConfig, policies: TaskPolicies): string[] {
  const priorities = config.queues.map((q) => q.priority);
  const problems = duplicates(config.schedules.map((s) => s.name)).map(
    (n) => `schedules: name "${n}" is used more than once`,
  );
  for (const s of config.schedules) {
    const at = `schedule "${s.name}"`;
    if (s.priority !== undefined && !priorities.includes(s.priority)) {
      problems.push(`${at}: priority "${s.priority}" is not a queue (${priorities.join(', ')})`);
    }
    if (!policies.types.includes(s.type)) {
      problems.push(
        `${at}: type "${s.type}" is not a registered task type (known: ${policies.types.join(', ') || 'none'})`,
      );
      continue;
    }
    try {
      policies.parsePayload(s.type, s.payload);
    } catch (error) {
      if (!(error instanceof InvalidPayloadError)) throw error;
      const issues = error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
      problems.push(
        `${at}: payload ${show(s.payload)} does not match task type "${s.type}": ${issues.join('; ')}`,
      );
    }
  }
  return problems;
}

export function webhookProblems(config: PipelineConfig): string[] {
  return duplicates(config.webhooks.map((w) => w.name)).map(
    (n) => `webhooks: name "${n}" is used more than once`,
  );
}

/** DynamoDB's item limit, less room for the other attributes of a task. */
const ITEM_BUDGET_BYTES = 400_000 - 16_384;

/**
 * A task item holds the payload, the result and the last error (message and details, each
 * cut to maxResultBytes): together they must fit in one DynamoDB item.
 */
export function itemSizeProblem(config: PipelineConfig): string | undefined {
  const payload = config.api.maxPayloadBytes;
  const result = config.consumer.maxResultBytes;
  const total = payload + 3 * result;
  if (total <= ITEM_BUDGET_BYTES) return undefined;
  return `api.maxPayloadBytes ${payload} + 3 × consumer.maxResultBytes ${result} = ${total} bytes must be ≤ ${ITEM_BUDGET_BYTES}, or a task item can exceed DynamoDB's 400 KB`;
}

function alarmAgeProblems(config: PipelineConfig, policies: TaskPolicies): string[] {
  const age = config.alarms.oldestMessageAge;
  if (!age.enabled) return [];
  const windows = policies.definitions.map((d) => ({
    type: d.type,
    seconds: retryWindowSeconds(d),
  }));
  return oldestMessageAgeProblems(config.queues, age.threshold, windows);
}

/** Every cross-field problem of a resolved definition. */
export function definitionProblems(config: PipelineConfig, policies: TaskPolicies): string[] {
  const perQueue = config.queues.flatMap((q) => [
    retentionProblem(q),
    visibilityProblem(q, config.consumer.timeoutSeconds),
    maxReceiveCountProblem(q, policies.largestMaxAttempts),
    ...batchingProblems(q),
  ]);
  return [
    ...queueSetProblems(config),
    ...perQueue,
    ...concurrencyProblems(config),
    ...flowControlProblems(config, policies.definitions),
    ...taskTimeoutProblems(config, policies),
    ...retryWindowProblems(config, policies),
    ...alarmAgeProblems(config, policies),
    tableRetentionProblem(config),
    itemSizeProblem(config),
    ...scheduleProblems(config, policies),
    ...webhookProblems(config),
    notifierTimeoutProblem(config.notifier),
  ].filter((p): p is string => p !== undefined);
}
