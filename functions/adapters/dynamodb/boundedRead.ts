import type { TaskPage } from '../../core/ports.js';
import type { TaskRecord } from '../../core/status.js';
import { toRecord } from './TaskTable.js';
import type { Item } from './taskItem.js';

/** Items one request reads, and requests per page: bounds one list call's cost. */
export const READ_PAGE_ITEMS = 200;
export const MAX_READ_REQUESTS = 10;

/** One request of a Scan or Query, from `startKey`. */
export type ReadRequest = (startKey: Item | undefined) => Promise<{
  Items?: Item[];
  ScannedCount?: number;
  LastEvaluatedKey?: Item;
}>;

/**
 * Reads pages of a Scan or Query until `limit` tasks matched, the end, or
 * {@link MAX_READ_REQUESTS} requests: what matched, how many items were read, and a cursor
 * (made by `cursorAt` from the last task's item, or from where the read stopped).
 */
export async function boundedRead(
  read: ReadRequest,
  options: { limit: number; startKey: Item | undefined; cursorAt: (key: Item) => string },
): Promise<TaskPage> {
  const tasks: TaskRecord[] = [];
  let scanned = 0;
  let startKey = options.startKey;
  for (let request = 0; request < MAX_READ_REQUESTS; request++) {
    const out = await read(startKey);
    const items = out.Items ?? [];
    scanned += out.ScannedCount ?? items.length;
    for (const [i, item] of items.entries()) {
      tasks.push(toRecord('list', item.id?.S ?? '', item));
      if (tasks.length === options.limit) {
        const more = i < items.length - 1 || out.LastEvaluatedKey !== undefined;
        return more ? { tasks, scanned, nextCursor: options.cursorAt(item) } : { tasks, scanned };
      }
    }
    startKey = out.LastEvaluatedKey;
    if (!startKey) return { tasks, scanned };
  }
  // Read budget spent: hand back what matched and where to go on.
  return { tasks, scanned, ...(startKey ? { nextCursor: options.cursorAt(startKey) } : {}) };
}
