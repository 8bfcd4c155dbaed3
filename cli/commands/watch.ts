import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { TASK_STATUSES } from '../../functions/core/status.js';
import { runCommand } from '../context.js';
import { integer } from '../options.js';
import { table } from '../output.js';
import { queueDepths } from '../queues.js';
import { allTasks } from '../stats/allTasks.js';
import { summarizeTasks, throughput } from '../stats/summarizeTasks.js';
import type { Target } from '../target.js';

interface WatchOptions {
  once?: boolean;
  interval: number;
  window: number;
}

/** One refresh: counts by status, tasks ended per second lately, and what waits in the queues. */
async function sample(target: Target, windowSeconds: number) {
  const [tasks, depths] = await Promise.all([
    allTasks(target.service),
    queueDepths(target.sqs, target.routes),
  ]);
  const now = Date.now();
  const { byStatus, total } = summarizeTasks(tasks);
  return {
    at: new Date(now).toISOString(),
    total,
    byStatus,
    finishedPerSecond: Number(throughput(tasks, now, windowSeconds * 1_000).toFixed(2)),
    windowSeconds,
    queued: depths.reduce((n, d) => n + d.queue.visible + d.queue.delayed, 0),
    inFlight: depths.reduce((n, d) => n + d.queue.inFlight, 0),
    deadLetters: depths.reduce((n, d) => n + d.dlq.visible + d.dlq.inFlight, 0),
  };
}

type Sample = Awaited<ReturnType<typeof sample>>;

function render(s: Sample): string {
  const counts = table(
    [...TASK_STATUSES, 'TOTAL'],
    [[...TASK_STATUSES.map((status) => s.byStatus[status]), s.total]],
  );
  return [
    `taskpipe  ${s.at}`,
    counts,
    `finished/s ${s.finishedPerSecond} (last ${s.windowSeconds} s)   messages: ${s.queued} waiting, ${s.inFlight} in flight, ${s.deadLetters} in DLQs`,
  ].join('\n');
}

export function registerWatch(program: Command): void {
  program
    .command('watch')
    .description('live counts by status and throughput, refreshed in place until Ctrl-C')
    .option('--once', 'print one sample and exit (for scripts)')
    .option('--interval <seconds>', 'seconds between refreshes', integer(1, 3_600), 2)
    .option('--window <seconds>', 'throughput over this many seconds', integer(1, 3_600), 10)
    .action((opts: WatchOptions, command: Command) =>
      runCommand(command, async (ctx) => {
        const target = await ctx.target();
        if (target.kind === 'stack') {
          ctx.out.note('note: watch scans the task table on every refresh (billed per item read)');
        }
        if (opts.once) {
          const s = await sample(target, opts.window);
          ctx.out.result(s, () => render(s));
          return;
        }
        const stop = new AbortController();
        const onSignal = () => stop.abort();
        process.once('SIGINT', onSignal);
        const tty = process.stdout.isTTY && !ctx.out.json;
        try {
          while (!stop.signal.aborted) {
            const s = await sample(target, opts.window);
            if (ctx.out.json) process.stdout.write(`${JSON.stringify(s)}\n`);
            else if (tty) process.stdout.write(`\x1b[H\x1b[2J${render(s)}\n\nCtrl-C to stop\n`);
            else process.stdout.write(`${render(s)}\n\n`);
            await sleep(opts.interval * 1_000, undefined, { signal: stop.signal }).catch(() => {});
          }
        } finally {
          process.off('SIGINT', onSignal);
        }
      }),
    );
}
