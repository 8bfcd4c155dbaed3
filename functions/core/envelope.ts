import * as z from 'zod';
import { describeIssues, PoisonMessageError, type ValidationIssue } from './errors.js';
import { httpUrlSchema } from './httpUrlSchema.js';
import { issueMessage } from './issueMessage.js';

/** Task type names: lowercase, start with a letter, at most 64 characters. */
export const TASK_TYPE_PATTERN = /^[a-z][a-z0-9_.-]{0,63}$/;
/** Task ids: sortable ULIDs, or ids derived from an idempotency key or a schedule. */
export const TASK_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export const ENVELOPE_VERSION = 1;
/** Most steps a chain's `then` may carry after the first task. */
export const MAX_CHAIN_STEPS = 100;

export const taskTypeSchema = z
  .string()
  .regex(TASK_TYPE_PATTERN, 'must match ^[a-z][a-z0-9_.-]{0,63}$');
export const taskIdSchema = z
  .string()
  .regex(TASK_ID_PATTERN, 'must be 1–128 of A-Z a-z 0-9 . _ : - and start alphanumeric');
export const prioritySchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a queue priority name such as high, default or low');

/** A task to enqueue later (a chain's next step); checked again when it is sent. */
export const taskSpecSchema = z.strictObject({
  type: taskTypeSchema,
  payload: z.unknown().refine((value) => value !== undefined, 'is required'),
  priority: prioritySchema.optional(),
  maxAttempts: z.number().int().min(1).max(100).optional(),
});

/**
 * Where a task's (or a group's) end is POSTed, signed with the key in Secrets Manager secret
 * `secretName` (docs/callbacks.md). Locally the name may be left out: a development key signs.
 */
export const callbackSchema = z.strictObject({
  url: httpUrlSchema('must not embed credentials'),
  secretName: z
    .string()
    .regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, 'must be a Secrets Manager secret name')
    .optional(),
});

export type Callback = z.infer<typeof callbackSchema>;

/**
 * Workflow links an envelope may carry (docs/workflows.md): the group a member belongs to,
 * the group a follow-up fans in, the chain step before this one, and the steps after it.
 */
export const envelopeLinksSchema = z.object({
  group: z
    .object({
      id: taskIdSchema,
      index: z.number().int().min(0),
      size: z.number().int().min(1).optional(),
    })
    .optional(),
  followUp: z.object({ group: taskIdSchema, on: z.enum(['complete', 'success']) }).optional(),
  parentId: taskIdSchema.optional(),
  next: z.array(taskSpecSchema).min(1).max(MAX_CHAIN_STEPS).optional(),
  callback: callbackSchema.optional(),
});

export type EnvelopeLinks = z.infer<typeof envelopeLinksSchema>;

/**
 * The W3C `traceparent` of the call that enqueued the task. Optional, so older messages
 * parse; not checked here, since a bad one only starts a new trace (docs/observability.md).
 */
const envelopeTraceparentSchema = z.string().min(1).max(512);

/** The message body on every taskpipe queue (DESIGN §3). */
export const envelopeSchema = z.object({
  v: z.literal(ENVELOPE_VERSION),
  id: taskIdSchema,
  type: taskTypeSchema,
  payload: z.unknown(),
  priority: prioritySchema,
  enqueuedAt: z.iso.datetime({ offset: true }),
  idempotencyKey: z.string().min(1).max(256).optional(),
  maxAttempts: z.number().int().min(1).max(100).optional(),
  traceId: z.string().min(1).max(256).optional(),
  traceparent: envelopeTraceparentSchema.optional(),
  ...envelopeLinksSchema.shape,
});

export type Envelope = z.infer<typeof envelopeSchema>;

export function toValidationIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    message: issueMessage(issue),
    code: issue.code,
  }));
}

/** Parses a raw queue body. Anything that is not a valid envelope is a poison message. */
export function parseEnvelope(body: string): Envelope {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (cause) {
    throw new PoisonMessageError(
      'not_json',
      `message body is not JSON (${(cause as Error).message}); expected a taskpipe envelope`,
    );
  }
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) {
    const issues = toValidationIssues(parsed.error);
    throw new PoisonMessageError(
      'not_envelope',
      `message body is not a taskpipe envelope v${ENVELOPE_VERSION}: ${describeIssues(issues)}`,
      { issues },
    );
  }
  return parsed.data;
}

/** Serialises an envelope for the queue. */
export function serializeEnvelope(envelope: Envelope): string {
  return JSON.stringify(envelope);
}
