import { setTimeout as delay } from 'node:timers/promises';
import type { Command } from 'commander';
import { runCommand } from '../context.js';
import { demoReport } from '../demo/demoReport.js';
import { runDemo } from '../demo/runDemo.js';
import { CliError, UnreachableError, UsageError } from '../errors.js';
import { integer } from '../options.js';
import type { GlobalOptions, Target } from '../target.js';

const ALARM_WAIT_POLLS = 100;
const ALARM_WAIT_POLL_MS = 50;

interface DemoCommandOptions {
  tasks: number;
  timeout: number;
  seed: number;
}

/** The running local runtime if one answers; otherwise one started in this process. */
async function localTarget(
  options: GlobalOptions,
  note: (message: string) => void,
): Promise<{ target: Target; stop: () => Promise<void>; alarms: () => Promise<string[]> }> {
  const { openLocal, resolveTarget } = await import('../target.js');
  try {
    const target = await resolveTarget(options);
    note(`using the running local runtime: ${target.where}`);
    const later = async () => [
      'alarms (the DLQ alarm among them) are printed by the `npm start` terminal within its evaluation period',
    ];
    return { target, stop: async () => target.close(), alarms: later };
  } catch (error) {
    if (!(error instanceof UnreachableError)) throw error;
  }
  note('no local runtime answers; starting one in this process');
  // Loaded only here: the emulators and the consumer are a large part of the CLI's start-up.
  const { LocalPipeline } = await import('../../local/LocalPipeline.js');
  const printed: string[] = [];
  const pipeline = await LocalPipeline.start({
    ports: { api: 0, sqs: 0, dynamodb: 0 },
    logLevel: 'SILENT',
    // Evaluated on demand at the end, so the summary is followed by the alarm it raised.
    alarms: { periodSeconds: 3_600, print: (text) => printed.push(text) },
  });
  const target = openLocal(pipeline.info);
  return {
    target,
    alarms: async () => {
      await pipeline.alarms?.evaluateNow();
      // The notice travels SNS → queue → notifier → receiver; wait for it, within a bound.
      for (let i = 0; i < ALARM_WAIT_POLLS && printed.length === 0; i++) {
        await delay(ALARM_WAIT_POLL_MS);
      }
      return printed;
    },
    stop: async () => {
      target.close();
      await pipeline.stop();
    },
  };
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'run a realistic mix of tasks (successes, retries, permanent failures, a poison message) through the local pipeline',
    )
    .option('--tasks <n>', 'how many tasks', integer(1, 100_000), 1_000)
    .option('--timeout <seconds>', 'give up waiting after this long', integer(1, 3_600), 180)
    .option('--seed <n>', 'seed of the task mix', integer(0, 2 ** 31), 1)
    .action((opts: DemoCommandOptions, command: Command) =>
      runCommand(command, async (ctx) => {
        if (ctx.options.stack) {
          throw new UsageError('demo runs against the local runtime only; drop --stack');
        }
        const { target, stop, alarms } = await localTarget(ctx.options, (m) => ctx.out.note(m));
        // Ctrl-C stops waiting; the unfinished tasks are cancelled before the endpoint goes.
        // A second Ctrl-C ends the process at once, as usual.
        const interrupted = new AbortController();
        process.once('SIGINT', () => {
          ctx.out.note('stopping the demo: cancelling its unfinished tasks (Ctrl-C again quits)');
          interrupted.abort();
        });
        try {
          const result = await runDemo(target, ctx.out, {
            tasks: opts.tasks,
            timeoutSeconds: opts.timeout,
            seed: opts.seed,
            signal: interrupted.signal,
          });
          const raised = await alarms();
          ctx.out.result({ ...result, alarms: raised }, () => demoReport(result));
          for (const text of raised) ctx.out.note(text);
          if (result.timedOut) {
            throw new CliError(
              `timed out after ${opts.timeout} s with ${result.unfinished} task(s) unfinished`,
            );
          }
        } finally {
          await stop();
        }
      }),
    );
}
