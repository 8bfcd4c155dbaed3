import type { Command } from 'commander';
import { MAX_BATCH_TASKS } from '../../functions/core/service/requests.js';
import type { GroupView } from '../../functions/core/workflow/GroupService.js';
import { runCommand } from '../context.js';
import { UsageError } from '../errors.js';
import { integer } from '../options.js';
import { keyValues } from '../output.js';
import { readPayload } from './enqueue.js';

interface GroupOptions {
  tasks?: string;
  partSize: number;
  onComplete?: string;
  onSuccess?: string;
  callbackUrl?: string;
  callbackSecret?: string;
}

/**
 * `taskpipe group` and `taskpipe group show`: through `GroupService`, the code behind
 * `POST /groups` and `GET /groups/{id}`. A file of more tasks than one request takes is sent
 * as an open group in parts, then sealed with its count, as a producer over HTTP would.
 */
export function registerGroup(program: Command): void {
  const group = program
    .command('group')
    .description('enqueue tasks as a group with follow-ups (docs/workflows.md)')
    .option('--tasks <json|@file>', 'a JSON array of { type, payload, ... } tasks (required)')
    .option('--on-complete <json>', 'task { type, payload } to run once every member ended')
    .option('--on-success <json>', 'task { type, payload } to run once every member succeeded')
    .option('--callback-url <url>', "POST the group's signed summary here once every member ended")
    .option('--callback-secret <name>', 'Secrets Manager secret that signs it (required on AWS)')
    .option(
      '--part-size <n>',
      `tasks per request; a larger group is sent in parts, then sealed (1–${MAX_BATCH_TASKS})`,
      integer(1, MAX_BATCH_TASKS),
      MAX_BATCH_TASKS,
    )
    .action((opts: GroupOptions, command: Command) =>
      runCommand(command, async (ctx) => {
        if (!opts.tasks) throw new UsageError('--tasks is required: a JSON array, or @file');
        const tasks = await readPayload(opts.tasks);
        if (!Array.isArray(tasks)) throw new UsageError('--tasks: must be a JSON array of tasks');
        const followUps = {
          ...(opts.onComplete ? { onComplete: await readPayload(opts.onComplete) } : {}),
          ...(opts.onSuccess ? { onSuccess: await readPayload(opts.onSuccess) } : {}),
          ...callbackOption(opts),
        };
        const { groups } = await ctx.target();
        const part = opts.partSize;
        const small = tasks.length <= part;
        const first = tasks.slice(0, part);
        const created = await groups.create({ tasks: first, ...followUps, seal: small });
        const groupId = created.group.id;
        for (let offset = first.length; offset < tasks.length; offset += part) {
          await groups.add(groupId, { offset, tasks: tasks.slice(offset, offset + part) });
        }
        const sealed = small ? created.group : await groups.seal(groupId, { total: tasks.length });
        ctx.out.result(
          { groupId, state: sealed.state, total: sealed.total },
          () => `${groupId}  ${sealed.state}  (${tasks.length} tasks)`,
        );
      }),
    );

  group
    .command('show')
    .description('show a group: counts, progress, follow-ups and a page of members')
    .argument('<id>', 'group id')
    .option('--offset <n>', 'index of the first member shown', integer(0, 100_000), 0)
    .option('--limit <n>', 'members shown', integer(1, 100), 25)
    .action((id: string, opts: { offset: number; limit: number }, command: Command) =>
      runCommand(command, async (ctx) => {
        const { groups } = await ctx.target();
        const view = await groups.describe(id, opts);
        ctx.out.result(view, () => groupDetails(view));
      }),
    );
}

function callbackOption(opts: GroupOptions) {
  if (!opts.callbackUrl) {
    if (opts.callbackSecret) throw new UsageError('--callback-secret needs --callback-url');
    return {};
  }
  const secret = opts.callbackSecret ? { secretName: opts.callbackSecret } : {};
  return { callback: { url: opts.callbackUrl, ...secret } };
}

/** A group as `key  value` lines, then one line per member shown. */
export function groupDetails(view: GroupView): string {
  const { counts } = view;
  const head = keyValues([
    ['group', view.groupId],
    ['state', view.state],
    ['total', view.total ?? `${view.added} added so far`],
    ['progress', `${Math.round(view.progress * 100)}%`],
    [
      'counts',
      `${counts.succeeded} succeeded, ${counts.failed} failed, ${counts.pending} not ended`,
    ],
    ...view.followUps.map((f): [string, string] => [
      `on ${f.on}`,
      `${f.taskId}${f.enqueued ? '' : ' (not enqueued)'}`,
    ]),
    ...(view.callback
      ? [
          [
            'callback',
            `${view.callback.taskId}${view.callback.enqueued ? '' : ' (not enqueued)'}`,
          ] as [string, string],
        ]
      : []),
  ]);
  const members = view.members.map(
    (m) => `  ${String(m.index).padStart(6)}  ${m.taskId}  ${m.task?.status ?? '(no row yet)'}`,
  );
  const more = view.nextOffset === undefined ? [] : [`  … more from --offset ${view.nextOffset}`];
  return [head, 'members', ...members, ...more].join('\n');
}
