import * as z from 'zod';
import { TASK_TYPE_PATTERN } from '../../../functions/core/envelope.js';
import { RequestValidationError } from '../../../functions/core/service/errors.js';
import type { ListRequest } from '../../../functions/core/service/TaskService.js';

/** Which FAILED tasks a bulk retry takes: every filter is optional. */
export const bulkFilterSchema = z.strictObject({
  type: z.string().regex(TASK_TYPE_PATTERN, `must match ${TASK_TYPE_PATTERN.source}`).optional(),
  priority: z.string().min(1).max(64).optional(),
  /** Created at or after, epoch ms. */
  from: z.coerce.number().int().nonnegative().optional(),
  /** Created at or before, epoch ms. */
  to: z.coerce.number().int().nonnegative().optional(),
});

export type BulkFilter = z.output<typeof bulkFilterSchema>;

/** Parses with `schema`, or throws the API's validation error with each issue's path. */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, what: string) {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new RequestValidationError(
      `invalid ${what}`,
      parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
    );
  }
  return parsed.data as z.output<T>;
}

/** The service's FAILED list request for a filter. */
export function failedList(filter: BulkFilter, limit: number, cursor?: string): ListRequest {
  return {
    status: 'FAILED',
    limit,
    ...(filter.type ? { type: filter.type } : {}),
    ...(filter.priority ? { priority: filter.priority } : {}),
    ...(filter.from !== undefined ? { createdFrom: filter.from } : {}),
    ...(filter.to !== undefined ? { createdTo: filter.to } : {}),
    ...(cursor ? { cursor } : {}),
  };
}

/** The filter as the audit log says it. */
export function describeFilter(filter: BulkFilter): string {
  const parts = Object.entries(filter).map(([k, v]) => `${k}=${v}`);
  return `FAILED tasks${parts.length ? ` where ${parts.join(', ')}` : ''}`;
}
