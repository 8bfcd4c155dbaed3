import { describe, expect, it } from 'vitest';
import type { Target } from '../../../cli/target.js';
import type { ConsoleContext } from '../../../console/server/ConsoleContext.js';
import { BULK_RETRY_CAP, bulkRetry } from '../../../console/server/handlers/actions/bulkRetry.js';
import { bulkRetryPreview } from '../../../console/server/handlers/bulkRetryPreview.js';
import type { BulkRetryView } from '../../../console/shared/api.js';
import {
  RequestValidationError,
  TaskStateConflictError,
} from '../../../functions/core/service/errors.js';
import type { ListRequest } from '../../../functions/core/service/TaskService.js';
import type { TaskRecord } from '../../../functions/core/status.js';

/** A service over `total` FAILED tasks, listed in pages with a cursor as the failure index does. */
function failing(total: number, refuse: Set<string> = new Set()) {
  const failed = Array.from({ length: total }, (_, i) => `t${String(i).padStart(3, '0')}`);
  const lists: ListRequest[] = [];
  const retried: string[] = [];
  const service = {
    async list(request: ListRequest) {
      lists.push(request);
      const start = request.cursor ? Number(request.cursor) : 0;
      const ids = failed.slice(start, start + request.limit);
      const next =
        start + request.limit < failed.length ? String(start + request.limit) : undefined;
      return {
        tasks: ids.map((id) => ({ id, type: 'noop', status: 'FAILED' }) as TaskRecord),
        ...(next ? { nextCursor: next } : {}),
      };
    },
    async retry(id: string) {
      if (refuse.has(id))
        throw new TaskStateConflictError('FAILED', 'payload not stored', 'payload_not_stored');
      retried.push(id);
    },
  };
  const ctx = { target: { service } as unknown as Target } as ConsoleContext;
  return { ctx, lists, retried };
}

describe('bulk retry', () => {
  it('retries at most the cap per request, and resumes from the cursor it answers', async () => {
    const { ctx, lists, retried } = failing(120);
    const first = await bulkRetry({
      ctx,
      params: {},
      query: new URLSearchParams(),
      who: 'os-user:tester',
      body: { filter: { type: 'noop' } },
    });
    const one = first.body as BulkRetryView;
    expect(one.retried).toBe(BULK_RETRY_CAP);
    expect(lists[0]).toMatchObject({ status: 'FAILED', type: 'noop', limit: BULK_RETRY_CAP });
    const second = await bulkRetry({
      ctx,
      params: {},
      query: new URLSearchParams(),
      who: 'os-user:tester',
      body: { filter: { type: 'noop' }, cursor: one.nextCursor },
    });
    const third = await bulkRetry({
      ctx,
      params: {},
      query: new URLSearchParams(),
      who: 'os-user:tester',
      body: { filter: { type: 'noop' }, cursor: (second.body as BulkRetryView).nextCursor },
    });
    expect((third.body as BulkRetryView).nextCursor).toBeUndefined();
    expect(new Set(retried).size).toBe(120);
    expect(first.audit).toEqual({ target: 'FAILED tasks where type=noop', count: 50 });
  });

  it('refuses a request over the cap', async () => {
    const { ctx } = failing(10);
    await expect(
      bulkRetry({
        ctx,
        params: {},
        query: new URLSearchParams(),
        who: 'os-user:tester',
        body: { limit: BULK_RETRY_CAP + 1 },
      }),
    ).rejects.toThrow(RequestValidationError);
  });

  it('names the tasks it could not retry, and goes on with the rest', async () => {
    const { ctx, retried } = failing(5, new Set(['t002']));
    const out = await bulkRetry({
      ctx,
      params: {},
      query: new URLSearchParams(),
      who: 'os-user:tester',
      body: {},
    });
    const view = out.body as BulkRetryView;
    expect(view.retried).toBe(4);
    expect(view.skipped).toEqual([
      {
        id: 't002',
        code: 'payload_not_stored',
        message: expect.stringContaining('payload not stored'),
      },
    ]);
    expect(retried).not.toContain('t002');
    expect(out.audit.outcome).toBe('ok; 1 skipped');
  });

  it('previews the count by paging the same list, with a sample', async () => {
    const { ctx } = failing(230);
    const view = await bulkRetryPreview({
      ctx,
      params: {},
      query: new URLSearchParams('type=noop'),
    });
    expect(view.count).toBe(230);
    expect(view.complete).toBe(true);
    expect(view.sample.map((t) => t.id)).toEqual(['t000', 't001', 't002', 't003', 't004']);
  });
});
