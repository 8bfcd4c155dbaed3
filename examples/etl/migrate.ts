import { copyTable, migrationReport } from './etlTasks.js';

/** What the example migrates: N tables, one of them broken when asked. */
export function migrationTasks(tables: number, options: { broken?: number } = {}) {
  return Array.from({ length: tables }, (_, i) => ({
    type: copyTable.type,
    payload: {
      table: `table_${String(i).padStart(3, '0')}`,
      rows: 1_000 * (i + 1),
      ...(i === options.broken ? { broken: true } : {}),
    },
  }));
}

/**
 * Starts a migration on a running taskpipe API: one group of table copies whose
 * `onComplete` is the report. Resolves to the group id and the report's task id.
 */
export async function startMigration(
  apiUrl: string,
  migration: string,
  tasks: ReturnType<typeof migrationTasks>,
): Promise<{ groupId: string; reportTaskId: string }> {
  const response = await fetch(new URL('/groups', apiUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      tasks,
      onComplete: { type: migrationReport.type, payload: { migration } },
    }),
  });
  const body = (await response.json()) as { groupId?: string; error?: { message: string } };
  if (response.status !== 202 || !body.groupId) {
    throw new Error(`POST /groups answered ${response.status}: ${body.error?.message ?? '?'}`);
  }
  return { groupId: body.groupId, reportTaskId: `${body.groupId}.on-complete` };
}
