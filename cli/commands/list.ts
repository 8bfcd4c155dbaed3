import { type Command, Option } from 'commander';
import { TASK_TYPE_PATTERN } from '../../functions/core/envelope.js';
import { toTaskView } from '../../functions/core/service/taskView.js';
import { TASK_STATUSES, type TaskStatus } from '../../functions/core/status.js';
import { runCommand } from '../context.js';
import { UsageError } from '../errors.js';
import { integer } from '../options.js';
import { duration, table } from '../output.js';

interface ListOptions {
  status?: TaskStatus;
  type?: string;
  limit: number;
  cursor?: string;
}

export function registerList(program: Command): void {
  program
    .command('list')
    .description('list tasks, newest failures first with --status FAILED (indexed); others scan')
    .addOption(new Option('--status <status>', 'only this status').choices(TASK_STATUSES))
    .option('--type <type>', 'only this task type')
    .option('--limit <n>', 'at most this many tasks', integer(1, 1_000), 25)
    .option('--cursor <cursor>', 'continue from the cursor a previous page printed')
    .action((opts: ListOptions, command: Command) =>
      runCommand(command, async (ctx) => {
        if (opts.type !== undefined && !TASK_TYPE_PATTERN.test(opts.type)) {
          throw new UsageError(`--type must be a task type name (${TASK_TYPE_PATTERN.source})`);
        }
        const { service } = await ctx.target();
        const page = await service.list({
          limit: opts.limit,
          ...(opts.status ? { status: opts.status } : {}),
          ...(opts.type ? { type: opts.type } : {}),
          ...(opts.cursor ? { cursor: opts.cursor } : {}),
        });
        const tasks = page.tasks.map(toTaskView);
        ctx.out.result(
          { tasks, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) },
          () => {
            const rows = tasks.map((t) => [
              t.id,
              t.type,
              t.status,
              `${t.attempts}/${t.maxAttempts}`,
              t.priority,
              t.createdAt,
              duration(t.durationMs),
              t.lastError?.code,
            ]);
            const text = table(
              ['ID', 'TYPE', 'STATUS', 'ATTEMPTS', 'PRIORITY', 'CREATED', 'DURATION', 'ERROR'],
              rows,
            );
            const more = page.nextCursor ? `\nmore: taskpipe list --cursor ${page.nextCursor}` : '';
            return `${text}\n${tasks.length} task(s)${more}`;
          },
        );
      }),
    );
}
