import * as z from 'zod';
import { type Callback, callbackSchema, taskSpecSchema } from '../envelope.js';
import { RequestValidationError } from '../service/errors.js';
import { MAX_BATCH_TASKS, parseRequest } from '../service/requests.js';
import { MAX_GROUP_SIZE } from './workflowIds.js';

/** A follow-up as a request gives it: a task type and payload (priority, attempts optional). */
export const followUpSchema = taskSpecSchema;

/**
 * `POST /groups`: members as `POST /tasks/batch` takes them, and follow-ups. Sealed at once
 * unless `seal` is false; an open group takes more members with `POST /groups/{id}/tasks`.
 */
export const createGroupSchema = z.strictObject({
  tasks: z.array(z.unknown()).max(MAX_BATCH_TASKS).default([]),
  onComplete: followUpSchema.optional(),
  onSuccess: followUpSchema.optional(),
  /** Where the group's summary is POSTed once every member ended (docs/callbacks.md). */
  callback: callbackSchema.optional(),
  seal: z.boolean().default(true),
});

/** A group's callback as a producer's code passes it, checked as the API checks it. */
export function parseGroupCallback(value: unknown): Callback | undefined {
  if (value === undefined) return undefined;
  const parsed = parseRequest(callbackSchema, value);
  if (parsed.ok) return parsed.value;
  const issues = parsed.issues.map((issue) => ({ ...issue, path: ['callback', ...issue.path] }));
  throw new RequestValidationError('invalid group', issues);
}

/** `POST /groups/{id}/tasks`: `offset` is the group index of the first task (retry-safe). */
export const addMembersSchema = z.strictObject({
  offset: z
    .number()
    .int()
    .min(0)
    .max(MAX_GROUP_SIZE - 1),
  tasks: z.array(z.unknown()).min(1).max(MAX_BATCH_TASKS),
});

/** `POST /groups/{id}/seal`: the final member count, which must equal the tasks added. */
export const sealGroupSchema = z.strictObject({
  total: z.number().int().min(0).max(MAX_GROUP_SIZE),
});
