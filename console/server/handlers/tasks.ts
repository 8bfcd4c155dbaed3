import * as z from 'zod';
import { TASK_TYPE_PATTERN } from '../../../functions/core/envelope.js';
import {
  RequestValidationError,
  TaskNotFoundError,
} from '../../../functions/core/service/errors.js';
import { TASK_STATUSES } from '../../../functions/core/status.js';
import type { TaskListView } from '../../shared/api.js';
import type { HandlerRequest } from '../ConsoleContext.js';

const time = z.coerce
  .number()
  .int()
  .nonnegative()
  .or(z.iso.datetime({ offset: true, local: true }).transform((s) => Date.parse(s)));

const querySchema = z.strictObject({
  id: z.string().min(1).max(128).optional(),
  key: z.string().min(1).max(512).optional(),
  type: z.string().regex(TASK_TYPE_PATTERN, `must match ${TASK_TYPE_PATTERN.source}`).optional(),
  status: z.enum(TASK_STATUSES).optional(),
  priority: z.string().min(1).max(64).optional(),
  from: time.optional(),
  to: time.optional(),
  cursor: z.string().min(1).max(1_024).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/**
 * GET /api/tasks: a look-up by id, or by idempotency key and type (one read: the id
 * derives from them; two for a type with dedup windows, whose latest task is found), else one page of the service's list (FAILED from the failure index,
 * the rest a bounded scan that says how many items it read).
 */
export async function tasks({ ctx, query }: HandlerRequest): Promise<TaskListView> {
  const q = parseQuery(query);
  const { service } = ctx.target;
  if (q.id) return { tasks: await lookUp(() => service.get(q.id!)), via: 'id' };
  if (q.key) {
    if (!q.type) {
      throw new RequestValidationError('invalid query', [
        { path: ['type'], message: 'is required with key: the task id derives from both' },
      ]);
    }
    const { type, key } = q;
    return {
      tasks: await lookUp(() => service.getByIdempotencyKey(type, key)),
      via: 'idempotencyKey',
    };
  }
  const page = await service.list({
    limit: q.limit,
    ...(q.status ? { status: q.status } : {}),
    ...(q.type ? { type: q.type } : {}),
    ...(q.priority ? { priority: q.priority } : {}),
    ...(q.from !== undefined ? { createdFrom: q.from } : {}),
    ...(q.to !== undefined ? { createdTo: q.to } : {}),
    ...(q.cursor ? { cursor: q.cursor } : {}),
  });
  return {
    tasks: page.tasks,
    via: page.via ?? (q.status === 'FAILED' ? 'failures' : 'scan'),
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    ...(page.scanned !== undefined ? { scanned: page.scanned } : {}),
  };
}

/** A look-up that finds nothing is an empty page, not an error. */
async function lookUp(get: () => Promise<TaskListView['tasks'][number]>) {
  try {
    return [await get()];
  } catch (error) {
    if (error instanceof TaskNotFoundError) return [];
    throw error;
  }
}

function parseQuery(query: URLSearchParams) {
  const raw = Object.fromEntries([...query].filter(([, v]) => v !== ''));
  const parsed = querySchema.safeParse(raw);
  if (!parsed.success) {
    throw new RequestValidationError(
      'invalid query',
      parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
    );
  }
  return parsed.data;
}
