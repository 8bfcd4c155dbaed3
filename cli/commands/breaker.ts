import type { Command } from 'commander';
import { runCommand } from '../context.js';
import { breakerTable } from '../stats/flowTables.js';
import { operator } from './pause.js';

export function registerBreaker(program: Command): void {
  const breaker = program
    .command('breaker')
    .description('show, open or close circuit breakers (keys: host:<host> or type:<task type>)');
  breaker
    .command('list')
    .description('breakers that have opened, with their state')
    .action((_opts: unknown, command: Command) =>
      runCommand(command, async (ctx) => {
        const { flow } = await ctx.target();
        const { breakers } = await flow.status();
        ctx.out.result({ breakers }, () => breakerTable(breakers, Date.now()));
      }),
    );
  for (const action of ['open', 'close'] as const) {
    breaker
      .command(action)
      .description(
        action === 'open'
          ? 'open a breaker by hand: its tasks wait, spending no attempt, until it is closed'
          : 'close a breaker: its tasks run again',
      )
      .argument('<key>', 'host:<host[:port]> or type:<task type>')
      .option('--by <name>', 'who moves it, as stats shows it (default: your login name)')
      .action((key: string, opts: { by?: string }, command: Command) =>
        runCommand(command, async (ctx) => {
          const { flow } = await ctx.target();
          const by = operator(opts.by);
          const record =
            action === 'open' ? await flow.openBreaker(key, by) : await flow.closeBreaker(key, by);
          ctx.out.result(record, () => `breaker ${record.key} is ${record.state} (by ${by})`);
        }),
      );
  }
}
