import type { ActionRequest, ActionResult } from '../../ConsoleContext.js';

/** POST /api/tasks/:id/retry: `TaskService.retry`, as `taskpipe retry` and the API. */
export async function retryTask({ ctx, params }: ActionRequest): Promise<ActionResult> {
  const id = params.id ?? '';
  const task = await ctx.target.service.retry(id);
  return { body: { task }, audit: { target: `task ${id}`, count: 1 } };
}

/** POST /api/tasks/:id/cancel: `TaskService.cancel`, as `taskpipe cancel` and the API. */
export async function cancelTask({ ctx, params }: ActionRequest): Promise<ActionResult> {
  const id = params.id ?? '';
  const task = await ctx.target.service.cancel(id);
  return { body: { task }, audit: { target: `task ${id}`, count: 1 } };
}
