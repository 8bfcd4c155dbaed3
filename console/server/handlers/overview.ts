import { queueDepths } from '../../../cli/queues.js';
import { readTasks } from '../../../cli/stats/allTasks.js';
import { summarizeTasks } from '../../../cli/stats/summarizeTasks.js';
import type { OverviewView } from '../../shared/api.js';
import type { ConsoleContext, HandlerRequest } from '../ConsoleContext.js';

/** Items the counts read at most per refresh: a bounded cost on a large table. */
export const COUNT_READ_LIMIT = 5_000;

/** GET /api/overview: queue depths and ages, counts by type and status, alarm states. */
export async function overview({ ctx }: HandlerRequest): Promise<OverviewView> {
  const { target, observations } = ctx;
  const [depths, ages, counts, alarms] = await Promise.all([
    queueDepths(target.sqs, target.routes),
    observations.oldestAges(),
    countTasks(ctx),
    observations.alarms(),
  ]);
  const queues = depths.map((d) => {
    const route = target.routes.find((r) => r.priority === d.priority)!;
    const waiting = d.queue.visible + d.queue.inFlight + d.queue.delayed;
    const age = waiting === 0 ? 0 : ages[route.name];
    return {
      priority: d.priority,
      name: route.name,
      visible: d.queue.visible,
      inFlight: d.queue.inFlight,
      delayed: d.queue.delayed,
      dlqVisible: d.dlq.visible + d.dlq.inFlight,
      ...(age === undefined ? {} : { oldestAgeSeconds: age }),
    };
  });
  return { at: Date.now(), queues, counts, alarms };
}

async function countTasks(ctx: ConsoleContext): Promise<OverviewView['counts']> {
  const read = await readTasks(ctx.target.service, COUNT_READ_LIMIT);
  const { byType } = summarizeTasks(read.tasks);
  const counts = Object.fromEntries(
    Object.entries(byType).map(([type, { total: _total, ...byStatus }]) => [type, byStatus]),
  );
  return { byType: counts, scanned: read.scanned, complete: read.complete };
}
