import type { Command } from 'commander';
import { MAX_PAGE_SIZE } from '../../functions/core/service/requests.js';
import { toTaskView } from '../../functions/core/service/taskView.js';
import type { TaskStatus } from '../../functions/core/status.js';
import { runCommand } from '../context.js';
import { integer, status } from '../options.js';
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
    .option('--status <status>', 'only this status (any case)', status)
    .option('--type <type>', 'only this task type')
    .option(
      '--limit <n>',
      `at most this many tasks (1–${MAX_PAGE_SIZE})`,
      integer(1, MAX_PAGE_SIZE),
      25,
    )
    .option('--cursor <cursor>', 'the next page: repeat the filters of the page that printed it')
    .action((opts: ListOptions, command: Command) =>
      runCommand(command, async (ctx) => {
        const { service } = await ctx.target();
        const page = await service.list({
          limit: opts.limit,
          ...(opts.status ? { status: opts.status } : {}),
          ...(opts.type !== undefined ? { type: opts.type } : {}),
          ...(opts.cursor ? { cursor: opts.cursor } : {}),
        });
        const tasks = page.tasks.map(toTaskView);
        const failed = opts.status === 'FAILED';
        ctx.out.result(
          { tasks, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) },
          () => {
            const rows = tasks.map((t) => [
              t.id,
              t.type,
              t.status,
              `${t.attempts}/${t.maxAttempts}`,
              t.priority,
              // The failure list is sorted by failure time, newest first: show that time.
              failed ? t.finishedAt : t.createdAt,
              duration(t.durationMs),
              t.status === 'SUCCEEDED' ? undefined : t.lastError?.code,
            ]);
            const when = failed ? 'FAILED AT (newest first)' : 'CREATED';
            const text = table(
              ['ID', 'TYPE', 'STATUS', 'ATTEMPTS', 'PRIORITY', when, 'DURATION', 'ERROR'],
              rows,
            );
            const more = page.nextCursor ? `\nmore: ${nextPageCommand(opts, page.nextCursor)}` : '';
            return `${text}\n${tasks.length} task(s)${more}`;
          },
        );
      }),
    );
}

/** The command that prints the next page: the same filters and limit, plus the cursor. */
export function nextPageCommand(opts: ListOptions, cursor: string): string {
  const args = ['npx', 'taskpipe', 'list'];
  if (opts.status) args.push('--status', opts.status);
  if (opts.type !== undefined) args.push('--type', opts.type);
  if (opts.limit !== 25) args.push('--limit', String(opts.limit));
  args.push('--cursor', cursor);
  return args.join(' ');
}
