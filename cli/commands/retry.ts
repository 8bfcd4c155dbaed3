import type { Command } from 'commander';
import { toTaskView } from '../../functions/core/service/taskView.js';
import { runCommand } from '../context.js';
import { forTask } from '../errors.js';
import { taskDetails } from './status.js';

export function registerRetry(program: Command): void {
  program
    .command('retry')
    .description('run a FAILED task again (FAILED → QUEUED, with its type’s attempts added)')
    .argument('<id>', 'task id')
    .action((id: string, _opts: unknown, command: Command) =>
      runCommand(command, async (ctx) => {
        const { service } = await ctx.target();
        const view = toTaskView(await forTask(id, () => service.retry(id)));
        ctx.out.result(view, () => taskDetails(view));
      }),
    );
}
