import { TASK_STATUSES } from '../../../functions/core/status.js';
import type { MetaView } from '../../shared/api.js';
import type { HandlerRequest } from '../ConsoleContext.js';

/** GET /api/meta: the target, and the values the filters offer. */
export async function meta({ ctx }: HandlerRequest): Promise<MetaView> {
  const { target } = ctx;
  return {
    target: { kind: target.kind, where: target.where, region: target.region },
    types: [...target.registry.types].sort(),
    priorities: target.routes.map((r) => r.priority),
    statuses: [...TASK_STATUSES],
  };
}
