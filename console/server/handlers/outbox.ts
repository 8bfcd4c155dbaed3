import type { OutboxView } from '../../shared/api.js';
import type { HandlerRequest } from '../ConsoleContext.js';

const LIST_LIMIT = 100;

/**
 * GET /api/outbox: the local runtime's outbox, newest first; `?id=` adds that message
 * (null when unknown). A deployed stack has no outbox: `available` is false.
 */
export async function outbox({ ctx, query }: HandlerRequest): Promise<OutboxView> {
  if (!ctx.outbox) return { available: false, messages: [] };
  const id = query.get('id');
  return {
    available: true,
    messages: ctx.outbox.list(LIST_LIMIT),
    ...(id ? { message: ctx.outbox.get(id) ?? null } : {}),
  };
}
