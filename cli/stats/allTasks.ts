import type { TaskService } from '../../functions/core/service/TaskService.js';
import type { TaskRecord } from '../../functions/core/status.js';

/** Tasks read per list call while walking the table. */
const PAGE = 1_000;

export interface TaskRead {
  tasks: TaskRecord[];
  /** Items read, matching or not. */
  scanned: number;
  /** False when the walk stopped at its bound before the end of the table. */
  complete: boolean;
}

/**
 * Tasks of the table through the service's paged list (a Scan), until the end or until
 * `maxScanned` items have been read (checked between pages).
 */
export async function readTasks(
  service: TaskService,
  maxScanned = Number.POSITIVE_INFINITY,
): Promise<TaskRead> {
  const tasks: TaskRecord[] = [];
  let scanned = 0;
  let cursor: string | undefined;
  do {
    const page = await service.list({ limit: PAGE, ...(cursor ? { cursor } : {}) });
    tasks.push(...page.tasks);
    scanned += page.scanned ?? page.tasks.length;
    cursor = page.nextCursor;
  } while (cursor && scanned < maxScanned);
  return { tasks, scanned, complete: cursor === undefined };
}

/**
 * Every task in the table. It reads the whole table: fine locally, billed per item on a
 * deployed stack.
 */
export async function allTasks(service: TaskService): Promise<TaskRecord[]> {
  return (await readTasks(service)).tasks;
}
