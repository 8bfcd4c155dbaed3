import { setTimeout as sleep } from 'node:timers/promises';
import { createRegistry } from '../../functions/core/registry.js';
import { tasks as appTasks } from '../../functions/tasks/index.js';
import { LocalPipeline } from '../../local/LocalPipeline.js';
import { copyTable, migrationReport } from './etlTasks.js';
import { migrationTasks, startMigration } from './migrate.js';

/** The application's task types plus the example's, as an ETL deployment would register them. */
export const etlRegistry = createRegistry([...appTasks, copyTable, migrationReport]);

// `npx tsx examples/etl/main.ts [tables]`: the local runtime (as `npm start` runs it, with
// the ETL task types), one migration of N tables, and its report once every copy ended.
async function main(): Promise<void> {
  const tables = Number(process.argv[2] ?? 20);
  const pipeline = await LocalPipeline.start({
    ports: { api: 0, sqs: 0, dynamodb: 0 },
    registry: etlRegistry,
    logLevel: 'WARN',
  });
  try {
    const apiUrl = pipeline.info.apiUrl!;
    const { groupId, reportTaskId } = await startMigration(
      apiUrl,
      'nightly',
      migrationTasks(tables, { broken: 3 }),
    );
    process.stdout.write(`migration group ${groupId}: ${tables} tables copying…\n`);
    for (let i = 0; i < 600; i++) {
      const res = await fetch(new URL(`/tasks/${reportTaskId}`, apiUrl));
      const task = (await res.json()) as { status?: string; result?: unknown };
      if (task.status === 'SUCCEEDED') {
        process.stdout.write(`report: ${JSON.stringify(task.result, null, 2)}\n`);
        return;
      }
      await sleep(100);
    }
    throw new Error('the report did not run within a minute');
  } finally {
    await pipeline.stop();
  }
}

if (process.argv[1]?.endsWith('main.ts')) {
  main().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = 1;
  });
}
