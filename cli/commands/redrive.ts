import { type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Command } from 'commander';
import type { QueueRoute } from '../../functions/core/ports.js';
import { runCommand } from '../context.js';
import { CliError, UsageError } from '../errors.js';
import { integer } from '../options.js';
import { table } from '../output.js';
import { progressBar } from '../progress.js';
import { queueDepths, releaseMessages } from '../queues.js';
import { type RedriveOutcome, redriveMessage } from '../redrive/redriveMessage.js';
import type { Target } from '../target.js';

interface RedriveOptions {
  queue?: string;
  max: number;
  includePoison?: boolean;
}

interface QueueReport {
  queue: string;
  moved: number;
  requeued: number;
  left: number;
  notDeleted: number;
  /** Why messages were left, with counts (poison, payload_not_stored, task_SUCCEEDED…). */
  reasons: Record<string, number>;
}

/** Long enough to send and delete one receive's worth; what is left is released at the end. */
const HOLD_SECONDS = 60;

async function redriveQueue(
  target: Target,
  route: QueueRoute,
  budget: { remaining: number },
  includePoison: boolean,
  onMessage: () => void,
): Promise<QueueReport> {
  const report: QueueReport = {
    queue: route.priority,
    moved: 0,
    requeued: 0,
    left: 0,
    notDeleted: 0,
    reasons: {},
  };
  const held: Message[] = [];
  const count = (outcome: RedriveOutcome) => {
    if (outcome.kind === 'moved') {
      report.moved++;
      if (outcome.requeued) report.requeued++;
      return;
    }
    if (outcome.kind === 'left') report.left++;
    else report.notDeleted++;
    report.reasons[outcome.reason] = (report.reasons[outcome.reason] ?? 0) + 1;
  };
  try {
    while (budget.remaining > 0) {
      const { Messages = [] } = await target.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: route.dlqUrl,
          MaxNumberOfMessages: Math.min(10, budget.remaining),
          WaitTimeSeconds: 0,
          VisibilityTimeout: HOLD_SECONDS,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['All'],
        }),
      );
      if (Messages.length === 0) break;
      for (const message of Messages) {
        budget.remaining--;
        const outcome = await redriveMessage(target, route, message, includePoison);
        if (outcome.kind === 'left') held.push(message);
        count(outcome);
        onMessage();
      }
    }
  } finally {
    // What stays in the DLQ is visible again at once, not after the hold.
    await releaseMessages(target.sqs, route.dlqUrl, held);
  }
  return report;
}

export function registerRedrive(program: Command): void {
  program
    .command('redrive')
    .description('move dead letters back to their queue, setting FAILED tasks QUEUED again')
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
        const reports: QueueReport[] = [];
        let done = 0;
        try {
          for (const route of routes) {
            reports.push(
              await redriveQueue(target, route, budget, Boolean(opts.includePoison), () =>
                bar.update(++done, Math.max(done, Math.min(waiting, opts.max))),
              ),
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
            r.left,
            r.notDeleted,
            Object.entries(r.reasons)
              .map(([reason, n]) => `${reason}: ${n}`)
              .join(', ') || undefined,
          ]);
          const text = table(
            ['QUEUE', 'MOVED', 'REQUEUED', 'LEFT', 'NOT DELETED', 'WHY LEFT'],
            rows,
          );
          const hint = reports.some((r) => r.reasons.poison)
            ? '\npoison bodies are left unless --include-poison is given'
            : '';
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
