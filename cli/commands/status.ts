import type { Command } from 'commander';
import {
  type FailureView,
  type TaskDetailView,
  toTaskDetailView,
} from '../../functions/core/service/taskView.js';
import { runCommand } from '../context.js';
import { forTask, UsageError } from '../errors.js';
import { duration, keyValues } from '../output.js';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('show one task, by id or by its type and idempotency key (the latest task)')
    .argument('[id]', 'task id')
    .option('--key <key>', 'the idempotency key it was enqueued with (with --type)')
    .option('--type <type>', 'its task type (with --key)')
    .action((id: string | undefined, opts: { key?: string; type?: string }, command: Command) =>
      runCommand(command, async (ctx) => {
        const { service } = await ctx.target();
        const byKey = opts.key !== undefined || opts.type !== undefined;
        if (byKey === (id !== undefined) || (byKey && !(opts.key && opts.type))) {
          throw new UsageError('give a task id, or both --key <key> and --type <type>');
        }
        const task = id
          ? await forTask(id, () => service.get(id))
          : await service.getByIdempotencyKey(opts.type!, opts.key!);
        const view = toTaskDetailView(task);
        ctx.out.result(view, () => taskDetails(view));
      }),
    );
}

/** A task as `key  value` lines. */
export function taskDetails(view: TaskDetailView): string {
  const text = keyValues([
    ['id', view.id],
    ['type', view.type],
    ['status', view.status],
    ['attempts', `${view.attempts} of ${view.maxAttempts}`],
    ['priority', view.priority],
    ['created', view.createdAt],
    ['started', view.startedAt],
    ['finished', view.finishedAt],
    ['duration', duration(view.durationMs)],
    ['queue wait', duration(view.queueWaitMs)],
    ['group', view.groupId],
    ['previous step', view.parentId],
    ['next step', view.nextId],
    [
      'cancelled',
      view.cancelReason &&
        `${view.cancelReason}${view.supersededBy ? ` (superseded by ${view.supersededBy})` : ''}`,
    ],
    ['error', view.lastError && `${view.lastError.code}: ${view.lastError.message}`],
    ['result', view.result === undefined ? undefined : oneLine(view.result)],
    [
      'result',
      view.resultTruncated && `not stored (${view.resultTruncated.bytes} bytes, over the limit)`,
    ],
  ]);
  const parts = [text];
  // Earlier failures, one line each; the last one is the error above.
  const earlier = (view.failures ?? []).filter((f) => f.attempt !== view.attempts);
  if (earlier.length) {
    parts.push(['failures', ...earlier.map((f) => `  ${failureLine(f)}`)].join('\n'));
  }
  // A handler's stack, indented under the fields, so the failing line is one look away.
  const stack = view.lastError?.stack?.split('\n').slice(1);
  if (stack?.length) parts.push(['stack', ...stack.map((l) => `  ${l.trim()}`)].join('\n'));
  return parts.join('\n\n');
}

function failureLine(failure: FailureView): string {
  const retry = failure.retryAt ? `, retry at ${failure.retryAt}` : '';
  const message = failure.error.message.split('\n')[0] ?? '';
  return `attempt ${failure.attempt}  ${failure.at}  ${failure.error.code}: ${message}${retry}`;
}

function oneLine(value: unknown): string {
  const json = JSON.stringify(value);
  return json.length > 200 ? `${json.slice(0, 199)}…` : json;
}
