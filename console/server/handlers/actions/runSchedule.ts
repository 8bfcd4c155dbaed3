import { scheduleEnvelope } from '../../../../definition/schedules.js';
import { RequestValidationError } from '../../../../functions/core/service/errors.js';
import { messageFor } from '../../../../functions/core/service/prepareTask.js';
import type { RunScheduleView } from '../../../shared/api.js';
import type { ActionRequest, ActionResult } from '../../ConsoleContext.js';

/**
 * POST /api/schedules/:name/run: sends the schedule's envelope now, as EventBridge
 * Scheduler would at this time: the same envelope builder, the id of a scheduled run at
 * the current second, and the schedule's queue. The consumer records the task as it
 * records a scheduled one.
 */
export async function runSchedule({ ctx, params }: ActionRequest): Promise<ActionResult> {
  const name = params.name ?? '';
  const schedule = ctx.schedules?.find((s) => s.name === name);
  if (!schedule) {
    const known = (ctx.schedules ?? []).map((s) => s.name).join(', ') || 'none';
    throw new RequestValidationError('unknown schedule', [
      { path: ['name'], message: `no schedule "${name}" in the definition; known: ${known}` },
    ]);
  }
  const { priority } = schedule;
  const route = ctx.target.routes.find((r) => r.priority === priority);
  if (!route) {
    throw new RequestValidationError('schedule without a queue', [
      { path: ['priority'], message: `"${priority}" has no queue here` },
    ]);
  }
  // Scheduler's scheduled time has whole seconds.
  const at = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const envelope = scheduleEnvelope(schedule, priority, at);
  const message = messageFor(envelope, route);
  await ctx.target.queue.send(route.url, message.body, {
    ...message,
    ...(route.fifo ? { groupId: `sched-${name}` } : {}),
  });
  const view: RunScheduleView = { taskId: envelope.id, scheduledTime: at };
  return { body: view, audit: { target: `schedule ${name} → task ${envelope.id}`, count: 1 } };
}
