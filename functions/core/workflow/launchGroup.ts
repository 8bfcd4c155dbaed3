import type { QueuePort } from '../ports.js';
import { enqueueBatch } from '../service/enqueueBatch.js';
import { EnqueueFailedError, RequestValidationError } from '../service/errors.js';
import type { TaskPreparer } from '../service/prepareTask.js';
import type { BatchRetryPolicy, SendInChunksOptions } from '../service/sendInChunks.js';
import { parseGroupCallback } from './groupRequests.js';
import { memberDerivation } from './memberTasks.js';
import type { FollowUps, GroupStore } from './types.js';
import { MAX_GROUP_SIZE } from './workflowIds.js';

export interface LaunchGroupDeps {
  groups: GroupStore;
  queue: QueuePort;
  preparer: Pick<TaskPreparer, 'prepare' | 'checkCallback'>;
  now: number;
  batchRetry?: BatchRetryPolicy;
  wait?: SendInChunksOptions['wait'];
}

/**
 * Creates a sealed group and sends its members straight to their queues (no status rows:
 * the consumer's claim makes them), as `ctx.group` and `TaskClient.group` do. Every member
 * and follow-up is checked first; a bad one throws a request error and nothing is made.
 * Repeated with the same id, it finds the group and sends the same members again, whose
 * duplicate messages the claims drop. Throws a retryable error if a member stayed unsent.
 */
export async function launchGroup(
  deps: LaunchGroupDeps,
  group: {
    id: string;
    tasks: readonly unknown[];
    followUps: FollowUps;
    callback?: unknown;
    parentId?: string;
  },
): Promise<void> {
  const { tasks, followUps } = group;
  if (tasks.length === 0 || tasks.length > MAX_GROUP_SIZE) {
    throw new RequestValidationError('invalid group', [
      { path: ['tasks'], message: `must have 1 to ${MAX_GROUP_SIZE} tasks, not ${tasks.length}` },
    ]);
  }
  for (const spec of Object.values(followUps)) deps.preparer.prepare(spec, deps.now);
  const callback = parseGroupCallback(group.callback);
  deps.preparer.checkCallback(callback, 'invalid group');
  const derive = memberDerivation(group.id, 0, tasks.length);
  for (const [index, task] of tasks.entries()) deps.preparer.prepare(task, deps.now, derive(index));
  await deps.groups.create({
    id: group.id,
    followUps,
    total: tasks.length,
    ...(callback ? { callback } : {}),
    ...(group.parentId ? { parentId: group.parentId } : {}),
  });
  const results = await enqueueBatch(tasks, { ...deps, derive });
  const unsent = results.filter((r) => !r.ok).length;
  if (unsent > 0) {
    throw new EnqueueFailedError(
      `${unsent} of ${tasks.length} group members were not sent; repeat the call with the same group`,
    );
  }
}
