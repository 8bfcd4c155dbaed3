import * as z from 'zod';
import { TASK_ID_PATTERN } from '../../../functions/core/envelope.js';
import { MAX_GROUP_SIZE } from '../../../functions/core/workflow/workflowIds.js';
import type { GroupDetailView, GroupFollowUpView } from '../../shared/api.js';
import type { HandlerRequest } from '../ConsoleContext.js';
import { parseOrThrow } from './bulkFilter.js';

/** Members per page unless `limit` says otherwise; the API's largest page is the bound. */
const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 100;

const idSchema = z.strictObject({
  id: z.string().regex(TASK_ID_PATTERN, `must be a group id (${TASK_ID_PATTERN.source})`),
});

/** The cursor is the index of the next page's first member, as the last page handed it. */
const querySchema = z.strictObject({
  cursor: z
    .string()
    .regex(/^\d{1,6}$/, 'must be a cursor from the previous page')
    .transform(Number)
    .pipe(z.number().max(MAX_GROUP_SIZE, 'must be a cursor from the previous page'))
    .optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT),
});

/**
 * GET /api/groups/:id?cursor=&limit=: the group as `GroupService.describe` reads it for
 * `GET /groups/{id}` and `taskpipe group show` (counts, progress, follow-ups, a page of
 * members), with the follow-ups' statuses and a cursor for the next page of members.
 */
export async function group({ ctx, params, query }: HandlerRequest): Promise<GroupDetailView> {
  const { id } = parseOrThrow(idSchema, { id: params.id ?? '' }, 'group id');
  const raw = Object.fromEntries([...query].filter(([, v]) => v !== ''));
  const { cursor, limit } = parseOrThrow(querySchema, raw, 'query');
  const { target } = ctx;
  const { nextOffset, followUps, callback, members, ...view } = await target.groups.describe(id, {
    offset: cursor ?? 0,
    limit,
  });
  const withStatus = async <T extends { taskId: string; enqueued: boolean }>(f: T) => {
    const task = f.enqueued ? await target.store.get(f.taskId) : undefined;
    return { ...f, ...(task ? { status: task.status } : {}) };
  };
  return {
    ...view,
    followUps: await Promise.all(followUps.map((f): Promise<GroupFollowUpView> => withStatus(f))),
    ...(callback ? { callback: await withStatus(callback) } : {}),
    members,
    ...(nextOffset === undefined ? {} : { nextCursor: String(nextOffset) }),
  };
}
