import type { ScheduleView } from '../../shared/api.js';
import type { HandlerRequest } from '../ConsoleContext.js';
import { nextRun } from '../schedules/nextRun.js';

/** GET /api/schedules: the definition's schedules, each with its next run. */
export async function schedules({ ctx }: HandlerRequest): Promise<ScheduleView[]> {
  const now = Date.now();
  return (ctx.schedules ?? []).map((s) => ({
    name: s.name,
    expression: s.expression,
    timezone: s.timezone ?? 'UTC',
    type: s.type,
    priority: s.priority,
    enabled: s.enabled,
    ...(s.description ? { description: s.description } : {}),
    next: s.enabled ? nextRun(s.expression, s.timezone, now) : { kind: 'never' },
  }));
}
