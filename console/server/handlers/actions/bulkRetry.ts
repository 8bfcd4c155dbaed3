import pLimit from 'p-limit';
import * as z from 'zod';
import { errorBody } from '../../../../functions/api/errorResponse.js';
import type { BulkRetryView } from '../../../shared/api.js';
import type { ActionRequest, ActionResult } from '../../ConsoleContext.js';
import { bulkFilterSchema, describeFilter, failedList, parseOrThrow } from '../bulkFilter.js';

/** Most tasks one request retries: a long run is many short requests, each resumable. */
export const BULK_RETRY_CAP = 50;
/** Retries under way at once, so a batch does not flood the table or the queue. */
const CONCURRENCY = 4;

const bodySchema = z.strictObject({
  filter: bulkFilterSchema.default({}),
  /** Where the previous request stopped (its `nextCursor`). */
  cursor: z.string().min(1).max(1_024).optional(),
  limit: z.number().int().min(1).max(BULK_RETRY_CAP).default(BULK_RETRY_CAP),
});

/**
 * POST /api/bulk-retry: one capped batch of a bulk retry. It lists the next page of FAILED
 * tasks that match and retries each through `TaskService.retry`. The answer's cursor
 * resumes the run; a stopped run is resumed by starting again, since retried tasks are no
 * longer FAILED.
 */
export async function bulkRetry({ ctx, body }: ActionRequest): Promise<ActionResult> {
  const { filter, cursor, limit } = parseOrThrow(bodySchema, body, 'bulk retry');
  const { service } = ctx.target;
  const page = await service.list(failedList(filter, limit, cursor));
  const limitRuns = pLimit(CONCURRENCY);
  const outcomes = await Promise.all(
    page.tasks.map((t) =>
      limitRuns(async () => {
        try {
          await service.retry(t.id);
          return undefined;
        } catch (error) {
          return { id: t.id, ...errorBody(error) };
        }
      }),
    ),
  );
  const skipped = outcomes.filter((o) => o !== undefined);
  const view: BulkRetryView = {
    retried: page.tasks.length - skipped.length,
    skipped: skipped.map(({ id, code, message }) => ({ id, code, message })),
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
  };
  return {
    body: view,
    audit: {
      target: describeFilter(filter),
      count: view.retried,
      ...(skipped.length ? { outcome: `ok; ${skipped.length} skipped` } : {}),
    },
  };
}
