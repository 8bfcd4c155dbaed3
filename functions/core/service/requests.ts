import * as z from 'zod';
import {
  callbackSchema,
  MAX_CHAIN_STEPS,
  prioritySchema,
  taskSpecSchema,
  toValidationIssues,
} from '../envelope.js';
import type { ValidationIssue } from '../errors.js';
import type { EnqueueOptions } from '../task.js';
import { parseTraceparent } from '../trace/traceparent.js';

/** SQS's longest per-message delay; a longer one is scheduled (docs/delays.md). */
export const MAX_DELAY_SECONDS = 900;
/** The longest delay a task may ask for: one year. */
export const MAX_LONG_DELAY_SECONDS = 365 * 86_400;
/** Most tasks one batch request may carry. */
export const MAX_BATCH_TASKS = 500;
/** Largest page of a task list, for the API and the CLI alike. */
export const MAX_PAGE_SIZE = 100;

/**
 * One task to enqueue, as the HTTP API and the client accept it. `type` is checked against
 * the registry by the service (so an unknown name gets the list of known ones), and the
 * payload against the type's schema.
 */
export const enqueueRequestSchema = z.strictObject({
  type: z.string().min(1).max(1_024),
  payload: z.unknown().refine((value) => value !== undefined, 'is required'),
  priority: prioritySchema.optional(),
  idempotencyKey: z.string().min(1).max(256).optional(),
  delaySeconds: z.number().int().min(0).max(MAX_LONG_DELAY_SECONDS).optional(),
  /** When the task becomes due, instead of `delaySeconds`; at most a year ahead. */
  runAt: z.iso.datetime({ offset: true }).optional(),
  maxAttempts: z.number().int().min(1).max(100).optional(),
  traceId: z.string().min(1).max(256).optional(),
  /** The producer's W3C trace position; the task and its follow-ups join that trace. */
  traceparent: z
    .string()
    .refine(
      (value) => parseTraceparent(value) !== undefined,
      'must be a W3C traceparent: 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>, ids not all zero',
    )
    .optional(),
  /** A chain: each step is enqueued when the one before it succeeds (docs/workflows.md). */
  next: z.array(taskSpecSchema).min(1).max(MAX_CHAIN_STEPS).optional(),
  /** Where the task's final status and result are POSTed, signed (docs/callbacks.md). */
  callback: callbackSchema.optional(),
});

/** A batch: 1 to {@link MAX_BATCH_TASKS} entries, each validated on its own. */
export const batchRequestSchema = z.strictObject({
  tasks: z.array(z.unknown()).min(1).max(MAX_BATCH_TASKS),
});

/** What a producer asks for. */
export interface EnqueueInput extends EnqueueOptions {
  type: string;
  payload: unknown;
  traceId?: string;
  traceparent?: string;
}

/** Parses with `schema`, or returns the issues with their paths. */
export function parseRequest<T extends z.ZodType>(
  schema: T,
  value: unknown,
): { ok: true; value: z.output<T> } | { ok: false; issues: ValidationIssue[] } {
  const parsed = schema.safeParse(value);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, issues: toValidationIssues(parsed.error) };
}
