import { MAX_PAGE_SIZE } from '../../../functions/core/service/requests.js';
import type { BulkPreviewView, TaskRecord } from '../../shared/api.js';
import type { HandlerRequest } from '../ConsoleContext.js';
import { bulkFilterSchema, failedList, parseOrThrow } from './bulkFilter.js';

/** Tasks a preview counts at most: past this the count says "at least". */
export const PREVIEW_COUNT_LIMIT = 10_000;
const SAMPLE = 5;

/**
 * GET /api/bulk-retry/preview: how many FAILED tasks a bulk retry with this filter would
 * take, and a sample, from the same list (the failure index) the retry pages through.
 */
export async function bulkRetryPreview({ ctx, query }: HandlerRequest): Promise<BulkPreviewView> {
  const raw = Object.fromEntries([...query].filter(([, v]) => v !== ''));
  const filter = parseOrThrow(bulkFilterSchema, raw, 'filter');
  const sample: TaskRecord[] = [];
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await ctx.target.service.list(failedList(filter, MAX_PAGE_SIZE, cursor));
    count += page.tasks.length;
    sample.push(...page.tasks.slice(0, SAMPLE - sample.length));
    cursor = page.nextCursor;
  } while (cursor && count < PREVIEW_COUNT_LIMIT);
  return { count, complete: cursor === undefined, sample };
}
