import type { TaskDetailView } from '../../shared/api.js';
import type { HandlerRequest } from '../ConsoleContext.js';
import { timeline } from '../timeline.js';

/** GET /api/tasks/:id: the record, its stored payload, its timeline and a logs link. */
export async function task({ ctx, params }: HandlerRequest): Promise<TaskDetailView> {
  const id = params.id ?? '';
  const { record, payloadJson } = await ctx.target.service.detail(id);
  const logs = ctx.observations.logsLink?.(record.id);
  return {
    task: record,
    ...(payloadJson === undefined ? {} : { payloadJson }),
    timeline: timeline(record),
    ...(logs ? { logsInsightsUrl: logs } : {}),
  };
}
