import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { PauseTarget } from '../../functions/core/flow/FlowAdmin.js';
import { runCommand } from '../context.js';
import { UsageError } from '../errors.js';
import { lowerCase } from '../options.js';

interface PauseOptions {
  queue?: string;
  type?: string;
  by?: string;
}

/** The operator's name for `by`: `--by`, else the login name. */
export function operator(by: string | undefined): string {
  if (by?.trim()) return by.trim().slice(0, 128);
  try {
    return userInfo().username || 'operator';
  } catch {
    return 'operator';
  }
}

function pauseTarget(opts: PauseOptions): PauseTarget {
  if (opts.queue !== undefined && opts.type === undefined) return { queue: opts.queue };
  if (opts.type !== undefined && opts.queue === undefined) return { type: opts.type };
  throw new UsageError('give exactly one of --queue <priority> or --type <task type>');
}

const when = (ms: number) => (ms > 0 ? new Date(ms).toISOString() : 'unknown');

export function registerPause(program: Command): void {
  program
    .command('pause')
    .description(
      'pause a queue (its event source stops; messages wait on the queue) or a task type (its tasks wait without spending attempts)',
    )
    .option('--queue <priority>', 'a queue, by priority or name', lowerCase)
    .option('--type <type>', 'a task type')
    .option('--by <name>', 'who pauses, as stats shows it (default: your login name)')
    .action((opts: PauseOptions, command: Command) =>
      runCommand(command, async (ctx) => {
        const { flow } = await ctx.target();
        const out = await flow.pause(pauseTarget(opts), operator(opts.by));
        const { record } = out;
        ctx.out.result(out, () => {
          const line = out.created
            ? `paused ${record.scope} ${record.name}`
            : `${record.scope} ${record.name} was already paused since ${when(record.since)} by ${record.by}`;
          if (!out.notHeldOn) return line;
          return `${line}\nnote: its tasks on FIFO queue ${out.notHeldOn.join(', ')} still run (a FIFO queue cannot defer a message): pause that queue to hold them`;
        });
      }),
    );
  program
    .command('resume')
    .description('resume a paused queue or task type')
    .option('--queue <priority>', 'a queue, by priority or name', lowerCase)
    .option('--type <type>', 'a task type')
    .action((opts: PauseOptions, command: Command) =>
      runCommand(command, async (ctx) => {
        const { flow } = await ctx.target();
        const target = pauseTarget(opts);
        const ended = await flow.resume(target);
        const what = 'queue' in target ? `queue ${target.queue}` : `type ${target.type}`;
        ctx.out.result({ resumed: ended !== undefined, pause: ended ?? null }, () =>
          ended
            ? `resumed ${what} (paused since ${when(ended.since)} by ${ended.by})`
            : `${what} was not paused`,
        );
      }),
    );
}
