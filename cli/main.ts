import { Command, CommanderError, Option } from 'commander';
import { registerBreaker } from './commands/breaker.js';
import { registerCancel } from './commands/cancel.js';
import { registerConsole } from './commands/console.js';
import { registerDemo } from './commands/demo.js';
import { registerEnqueue } from './commands/enqueue.js';
import { registerGroup } from './commands/group.js';
import { registerList } from './commands/list.js';
import { registerPause } from './commands/pause.js';
import { registerRedrive } from './commands/redrive.js';
import { registerRetry } from './commands/retry.js';
import { registerStats } from './commands/stats.js';
import { registerStatus } from './commands/status.js';
import { registerWatch } from './commands/watch.js';
import { EXIT, toCliError } from './errors.js';

const EPILOGUE = `
Target:
  By default the CLI talks to the local runtime started by \`npm start\`, found through
  .taskpipe/local.json (or --state-file / TASKPIPE_STATE_FILE). With --stack NAME it talks
  to a deployed stateful stack (TaskpipeStateful), reading its outputs with the standard
  AWS credential chain.

Exit codes:
  0  ok
  1  error
  2  usage: bad arguments, unknown task type, invalid payload
  3  not found: no task with this id
  4  conflict: the task is in the wrong state for the operation
  5  unreachable: no local runtime answers, or the stack or AWS cannot be reached`;

function program(): Command {
  const root = new Command('taskpipe')
    .description('Enqueue, inspect and operate taskpipe tasks, locally or on a deployed stack.')
    .option('--json', 'print machine-readable JSON')
    .option('--verbose', 'log service calls and show stack traces of errors')
    .option('--stack <name>', 'talk to a deployed stack (its stateful stack) instead of local')
    .option('--region <region>', 'AWS region of --stack (default: the SDK chain)')
    .addOption(
      new Option('--state-file <path>', 'local runtime state file').env('TASKPIPE_STATE_FILE'),
    )
    .addHelpText('after', EPILOGUE)
    .showHelpAfterError('(taskpipe --help shows the commands)')
    // Commander's own errors look like ours: `taskpipe: …`, exit code 2 (see main).
    .configureOutput({
      outputError: (text, write) => write(`taskpipe: ${text.replace(/^error: /, '')}`),
    })
    .exitOverride();
  for (const register of [
    registerEnqueue,
    registerGroup,
    registerStatus,
    registerList,
    registerRetry,
    registerCancel,
    registerWatch,
    registerStats,
    registerRedrive,
    registerPause,
    registerBreaker,
    registerDemo,
    registerConsole,
  ]) {
    register(root);
  }
  for (const command of root.commands) command.exitOverride();
  return root;
}

async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes('--verbose');
  // The SDK's multi-line notice about future Node versions would bury the CLI's own output.
  if (!verbose) process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  try {
    await program().parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    // Commander has printed its own message (or the help) already.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const failure = toCliError(error);
    process.stderr.write(`taskpipe: ${failure.message}\n`);
    if (verbose) process.stderr.write(`${describeStack(failure)}\n`);
    return failure.exitCode;
  }
}

function describeStack(error: Error): string {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    lines.push(depth === 0 ? String(current.stack) : `caused by: ${current.stack}`);
    current = current.cause;
  }
  return lines.join('\n');
}

// Exit explicitly: SDK sockets or a stopped runtime's timers must not keep the process alive.
process.exit(await main(process.argv));
