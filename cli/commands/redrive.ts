import type { Command } from 'commander';
import { runCommand } from '../context.js';
import { CliError, UsageError } from '../errors.js';
import { integer } from '../options.js';
import { table } from '../output.js';
import { progressBar } from '../progress.js';
import { queueDepths } from '../queues.js';
import { type QueueReport, redriveQueue } from '../redrive/redriveQueue.js';

interface RedriveOptions {
  queue?: string;
  max: number;
  includePoison?: boolean;
}

export function registerRedrive(program: Command): void {
  program
    .command('redrive')
    .description('move dead letters back to their queue, setting their tasks QUEUED again')
    .option('--queue <priority>', 'only this priority’s DLQ (default: every DLQ)')
    .option('--max <n>', 'at most this many messages', integer(1, 1_000_000), 1_000)
    .option('--include-poison', 'also send back bodies that are not task envelopes, as they are')
    .action((opts: RedriveOptions, command: Command) =>
      runCommand(command, async (ctx) => {
        const target = await ctx.target();
        const routes = opts.queue
          ? target.routes.filter((r) => r.priority === opts.queue)
          : target.routes;
        if (routes.length === 0) {
          const known = target.routes.map((r) => r.priority).join(', ');
          throw new UsageError(`--queue: no queue with priority "${opts.queue}"; known: ${known}`);
        }
        const depths = await queueDepths(target.sqs, routes);
        const waiting = depths.reduce((n, d) => n + d.dlq.visible, 0);
        const bar = progressBar(ctx.out, 'redrive', Math.min(waiting, opts.max));
        const budget = { remaining: opts.max };
        const startedAt = Date.now();
        const reports: QueueReport[] = [];
        let done = 0;
        try {
          for (const [i, route] of routes.entries()) {
            const depth = depths[i]!.dlq;
            reports.push(
              await redriveQueue(target, route, {
                budget,
                depthAtStart: depth.visible + depth.inFlight,
                includePoison: Boolean(opts.includePoison),
                startedAt,
                onMessage: () => bar.update(++done, Math.max(done, Math.min(waiting, opts.max))),
              }),
            );
          }
        } finally {
          bar.stop();
        }
        const moved = reports.reduce((n, r) => n + r.moved, 0);
        ctx.out.result({ moved, queues: reports }, () => {
          const rows = reports.map((r) => [
            r.queue,
            r.moved,
            r.requeued,
            r.withoutStatus,
            r.left,
            r.notDeleted,
            Object.entries(r.reasons)
              .map(([reason, n]) => `${reason}: ${n}`)
              .join(', ') || undefined,
          ]);
          const text = table(
            ['QUEUE', 'MOVED', 'REQUEUED', 'WITHOUT STATUS', 'LEFT', 'NOT DELETED', 'WHY LEFT'],
            rows,
          );
          const hint =
            (reports.some((r) => r.reasons.poison)
              ? '\npoison bodies are left unless --include-poison is given'
              : '') +
            (reports.some((r) => r.withoutStatus > 0)
              ? '\nWITHOUT STATUS: dead-lettered without a status (the task had not ended; SQS moved it after maxReceiveCount receives, as throttled invocations cause), now QUEUED'
              : '');
          return `${text}\n${moved} message(s) moved back${hint}`;
        });
        const troubled = reports.reduce(
          (n, r) =>
            n +
            r.notDeleted +
            Object.entries(r.reasons)
              .filter(([reason]) => reason.startsWith('send_failed'))
              .reduce((m, [, k]) => m + k, 0),
          0,
        );
        if (troubled > 0) {
          throw new CliError(
            `${troubled} message(s) could not be sent back or deleted; run redrive again`,
          );
        }
      }),
    );
}
