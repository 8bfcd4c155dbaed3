import type { Command } from 'commander';
import { runCommand } from '../context.js';
import { integer } from '../options.js';
import { percent } from '../output.js';
import { queueDepths } from '../queues.js';
import { allTasks } from '../stats/allTasks.js';
import { countDeadLetters, deadLetterTable } from '../stats/deadLetters.js';
import { breakerTable, pauseTable } from '../stats/flowTables.js';
import {
  cloudWatchTables,
  depthTable,
  statusTable,
  timingTable,
  typeTable,
} from '../stats/render.js';
import { summarizeTasks } from '../stats/summarizeTasks.js';

const queueName = (url: string) => new URL(url).pathname.split('/').at(-1) ?? url;

export function registerStats(program: Command): void {
  program
    .command('stats')
    .description(
      'counts per status and type, duration and queue-wait percentiles, failure rate, queue and DLQ depth',
    )
    .option(
      '--since <minutes>',
      'with --stack: the CloudWatch window, in minutes',
      integer(1, 60 * 24 * 14),
      60,
    )
    .action((opts: { since: number }, command: Command) =>
      runCommand(command, async (ctx) => {
        const target = await ctx.target();
        const depths = await queueDepths(target.sqs, target.routes);
        const deadLetters = await countDeadLetters(target, target.routes);
        const flow = await target.flow.status();
        const flowText = () =>
          `${pauseTable(flow, Date.now())}\n\n${breakerTable(flow.breakers, Date.now())}`;
        if (target.kind === 'stack') {
          const { cloudWatchStats } = await import('../stats/cloudWatchStats.js');
          const metrics = await cloudWatchStats(target.region, target.routes, opts.since * 60);
          const peaks: Record<string, number | undefined> = {};
          for (const r of target.routes) {
            peaks[`${r.priority}:queue`] = metrics.peakVisible[queueName(r.url)];
            peaks[`${r.priority}:dlq`] = metrics.peakVisible[queueName(r.dlqUrl)];
          }
          ctx.out.result(
            { source: 'cloudwatch', ...metrics, queues: depths, deadLetters, flow },
            () =>
              `Task metrics, last ${opts.since} min (CloudWatch, namespace Taskpipe)\n\n` +
              `${cloudWatchTables(metrics)}\n\n${depthTable(depths, peaks)}\n\n${deadLetterTable(deadLetters)}\n\n${flowText()}`,
          );
          return;
        }
        const summary = summarizeTasks(await allTasks(target.service));
        ctx.out.result({ source: 'table', ...summary, queues: depths, deadLetters, flow }, () =>
          [
            `${summary.total} task(s) in ${target.tableName}`,
            statusTable(summary),
            typeTable(summary),
            timingTable([
              ['duration', summary.durationMs],
              ['queue wait', summary.queueWaitMs],
              ['enqueue → end', summary.latencyMs],
            ]),
            `failure rate  ${percent(summary.failureRate) ?? '-'}  (FAILED / (SUCCEEDED + FAILED))`,
            depthTable(depths),
            deadLetterTable(deadLetters),
            flowText(),
          ].join('\n\n'),
        );
      }),
    );
}
