import * as z from 'zod';
import { pipelineDefinition } from '../../definition/pipeline.js';
import type { PipelineDefinitionInput } from '../../definition/schema.js';
import { PermanentError, RetryableError } from '../../functions/core/errors.js';
import { createRegistry } from '../../functions/core/registry.js';
import { defineTask } from '../../functions/core/task.js';

/** Every handler run by task id: when it ran and with which attempt. */
export const restartRuns = new Map<string, { attempt: number; at: number }[]>();
const note = (id: string, attempt: number) =>
  restartRuns.set(id, [...(restartRuns.get(id) ?? []), { attempt, at: Date.now() }]);

/** Hold tasks block their slot until their own timeout; each started run resolves one. */
export const holdStarted = new Set<string>();

export const RETRY_AFTER_MS = 15_000;

/** Tasks that put a message in each state a restart must keep. */
export const restartRegistry = createRegistry([
  defineTask({
    type: 'rs.ok',
    schema: z.object({}),
    handler: (_p, ctx) => {
      note(ctx.taskId, ctx.attempt);
      return { attempt: ctx.attempt };
    },
  }),
  defineTask({
    type: 'rs.dead',
    schema: z.object({}),
    handler: (_p, ctx) => {
      note(ctx.taskId, ctx.attempt);
      throw new PermanentError('never works');
    },
  }),
  // In flight across the restart: its message is invisible until the retry is due.
  defineTask({
    type: 'rs.later',
    schema: z.object({}),
    handler: (_p, ctx) => {
      note(ctx.taskId, ctx.attempt);
      if (ctx.attempt === 1) throw new RetryableError('later', { retryAfterMs: RETRY_AFTER_MS });
      return { attempt: ctx.attempt };
    },
  }),
  // The first attempt holds a concurrency slot (ignoring its signal) until it times out.
  defineTask({
    type: 'rs.hold',
    schema: z.object({}),
    timeoutMs: 3_000,
    handler: (_p, ctx) => {
      note(ctx.taskId, ctx.attempt);
      if (ctx.attempt > 1) return { attempt: ctx.attempt };
      holdStarted.add(ctx.taskId);
      return new Promise(() => undefined);
    },
  }),
]);

/** One queue with two slots, one message per batch: two holds keep everything else queued. */
export const restartDefinition: PipelineDefinitionInput = {
  ...pipelineDefinition,
  queues: [{ priority: 'default', maxConcurrency: 2, batchSize: 1, batchingWindowSeconds: 0 }],
  consumer: { ...pipelineDefinition.consumer, timeoutSeconds: 40, safetyMarginMs: 500 },
  table: { ...pipelineDefinition.table, deletionProtection: false },
};
