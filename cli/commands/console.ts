import type { Command } from 'commander';
import { runCommand } from '../context.js';
import { UsageError } from '../errors.js';
import { integer } from '../options.js';
import { statelessStackName } from '../stackNames.js';

interface ConsoleOptions {
  port: number;
  profile?: string;
  alarmPrefix?: string;
  logGroup?: string;
  readOnly?: boolean;
  auditFile: string;
}

export function registerConsole(program: Command): void {
  program
    .command('console')
    .description(
      'serve the operator console on 127.0.0.1 for a deployed stack (--stack), with your AWS credentials',
    )
    .option('--port <port>', 'port on 127.0.0.1 (0 picks a free one)', integer(0, 65_535), 4100)
    .option('--profile <name>', 'AWS profile to use (default: the SDK chain)')
    .option(
      '--alarm-prefix <prefix>',
      'alarms shown: names starting with this (default: the stateless stack name)',
    )
    .option('--log-group <name>', "the consumer's log group, preselected in Logs Insights links")
    .option(
      '--read-only',
      'hide and refuse every action (retry, cancel, redrive, enqueue, run now, pause, breakers)',
    )
    .option(
      '--audit-file <path>',
      'where each action is recorded, a JSON line each',
      '.taskpipe/console-audit.jsonl',
    )
    .action((opts: ConsoleOptions, command: Command) =>
      runCommand(command, async (ctx) => {
        const { stack } = ctx.options;
        if (!stack) {
          throw new UsageError(
            'console needs --stack NAME; the local runtime serves its own console (its URL is in the `npm start` banner)',
          );
        }
        if (opts.profile) process.env.AWS_PROFILE = opts.profile;
        const target = await ctx.target();
        const { serveStackConsole } = await import('../../console/server/serveStackConsole.js');
        await serveStackConsole(target, {
          port: opts.port,
          readOnly: Boolean(opts.readOnly),
          auditFile: opts.auditFile,
          alarmPrefix: opts.alarmPrefix ?? statelessStackName(stack),
          ...(opts.logGroup ? { logGroup: opts.logGroup } : {}),
          print: (line) => process.stdout.write(`${line}\n`),
        });
      }),
    );
}
