import type { TaskService } from '../../functions/core/service/TaskService.js';
import type { TaskRecord } from '../../functions/core/status.js';

/** Tasks read per list call while walking the whole table. */
const PAGE = 1_000;

/**
 * Every task in the table, through the service's paged list (a Scan). It reads the whole
 * table: fine locally, billed per item on a deployed stack.
 */
export async function allTasks(service: TaskService): Promise<TaskRecord[]> {
  const tasks: TaskRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await service.list({ limit: PAGE, ...(cursor ? { cursor } : {}) });
    tasks.push(...page.tasks);
    cursor = page.nextCursor;
  } while (cursor);
  return tasks;
}
