import type * as z from 'zod';
import { ConfigError } from '../functions/core/errors.js';
import {
  defaultMaxReceiveCount,
  definitionProblems,
  minimumVisibilitySeconds,
  type PipelineConfig,
  type ResolvedQueue,
  show,
  type TaskPolicies,
} from './checks.js';
import {
  type ConsumerDefinition,
  daysToSeconds,
  type PipelineDefinition,
  pipelineDefinitionSchema,
  type QueueDefinition,
} from './schema.js';

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out ? `${out}.${String(key)}` : String(key);
  }, '');
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const at = formatPath(issue.path) || '(root)';
  if (issue.code === 'unrecognized_keys') {
    const input = (issue.input ?? {}) as Record<string, unknown>;
    const keys = issue.keys.map((k) => `${k}: ${show(input[k])}`).join(', ');
    return `${at}: unknown setting ${keys}`;
  }
  return `${at}: ${issue.message} (got ${show(issue.input)})`;
}

/** Fills in the settings derived from the consumer and the task policies. */
export function resolveQueue(
  q: QueueDefinition,
  consumer: ConsumerDefinition,
  largestMaxAttempts: number,
): ResolvedQueue {
  return {
    ...q,
    visibilityTimeoutSeconds:
      q.visibilityTimeoutSeconds ?? minimumVisibilitySeconds(q, consumer.timeoutSeconds),
    maxReceiveCount: q.maxReceiveCount ?? defaultMaxReceiveCount(largestMaxAttempts),
    retentionSeconds: daysToSeconds(q.retentionDays),
    deadLetterRetentionSeconds: daysToSeconds(q.deadLetterRetentionDays),
  };
}

export function resolvePipelineDefinition(
  definition: PipelineDefinition,
  policies: TaskPolicies,
): PipelineConfig {
  return {
    ...definition,
    queues: definition.queues.map((q) =>
      resolveQueue(q, definition.consumer, policies.largestMaxAttempts),
    ),
  };
}

/**
 * Validates a pipeline definition against its schema and the task policies, and resolves
 * its defaults. Throws one `ConfigError` listing every problem with its path and value.
 * Cross-field checks run once the schema is satisfied, since they need typed values.
 */
export function parsePipelineDefinition(input: unknown, policies: TaskPolicies): PipelineConfig {
  const parsed = pipelineDefinitionSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    throw new ConfigError('invalid pipeline definition', parsed.error.issues.map(formatIssue));
  }
  const config = resolvePipelineDefinition(parsed.data, policies);
  const problems = definitionProblems(config, policies);
  if (problems.length) throw new ConfigError('invalid pipeline definition', problems);
  return config;
}
