import type { Command } from 'commander';
import { toTaskView } from '../../functions/core/service/taskView.js';
import { runCommand } from '../context.js';
import { forTask } from '../errors.js';
import { taskDetails } from './status.js';

export function registerCancel(program: Command): void {
  program
    .command('cancel')
    .description(
      'cancel a SCHEDULED, QUEUED or RETRYING task (its message is then dropped unrun), or stop the chain after a RUNNING step',
    )
    .argument('<id>', 'task id')
    .action((id: string, _opts: unknown, command: Command) =>
      runCommand(command, async (ctx) => {
        const { service } = await ctx.target();
        const view = toTaskView(await forTask(id, () => service.cancel(id)));
        if (view.status !== 'RUNNING') {
          ctx.out.result(view, () => taskDetails(view));
          return;
        }
        ctx.out.result(
          { ...view, chainStopped: true },
          () =>
            `chain stopped: ${id} runs on to its end; its next step ${view.nextId} will not be enqueued\n${taskDetails(view)}`,
        );
      }),
    );
}
