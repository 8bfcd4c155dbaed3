import type { EnvelopeLinks } from '../envelope.js';
import type { TaskLinks } from '../status.js';
import { nextStepId } from './workflowIds.js';

/**
 * The links a task's row keeps from its envelope, so `status` can show them: the chain step
 * before it, the id the next step gets (sent only once this one succeeds), and its group.
 * Written with a write that happens anyway (the create or the claim), never one of its own.
 */
export function taskLinksOf(id: string, links: EnvelopeLinks): TaskLinks | undefined {
  const result: TaskLinks = {
    ...(links.parentId ? { parentId: links.parentId } : {}),
    ...(links.next?.length ? { nextId: nextStepId(id) } : {}),
    ...(links.group ? { groupId: links.group.id } : {}),
  };
  return Object.keys(result).length ? result : undefined;
}

/** `{ links }` for a task record or request, or nothing for a plain task. */
export function linksField(envelope: { id: string } & EnvelopeLinks): { links?: TaskLinks } {
  const links = taskLinksOf(envelope.id, envelope);
  return links ? { links } : {};
}
