import type { EnqueueView } from '../../../shared/api.js';
import type { ActionRequest, ActionResult } from '../../ConsoleContext.js';

/**
 * POST /api/enqueue: the body is the API's enqueue request, given to `TaskService.enqueue`
 * as it is; its validation errors come back with their paths, for the form's fields.
 */
export async function enqueueTask({ ctx, body }: ActionRequest): Promise<ActionResult> {
  const out = await ctx.target.service.enqueue(body);
  const view: EnqueueView = {
    taskId: out.taskId,
    status: out.status,
    deduplicated: out.deduplicated,
  };
  return {
    body: view,
    audit: {
      target: `task ${out.taskId} (${out.record.type})`,
      count: out.deduplicated ? 0 : 1,
      ...(out.deduplicated ? { outcome: 'ok: deduplicated' } : {}),
    },
  };
}
