import { startLocalConsole } from '../console/server/startLocalConsole.js';
import { TaskpipeError } from '../functions/core/errors.js';
import { banner } from './banner.js';
import { LocalPipeline } from './LocalPipeline.js';
import { parseLocalEnv } from './localEnv.js';
import { dataDirArgs } from './persistence/dataDirArgs.js';
import { LOCAL_STATE_FILE, removeLocalState, writeLocalState } from './stateFile.js';

// `npm start`: the whole pipeline in this process until Ctrl-C.
async function main(): Promise<void> {
  const env = parseLocalEnv(process.env);
  const { dataDir, reset } = dataDirArgs(process.argv.slice(2), env.TASKPIPE_DATA_DIR);
  const pipeline = await LocalPipeline.start({
    ...(dataDir ? { dataDir, resetDataDir: reset } : {}),
    ports: { api: env.PORT, sqs: env.TASKPIPE_SQS_PORT, dynamodb: env.TASKPIPE_DYNAMODB_PORT },
    logLevel: env.TASKPIPE_LOG_LEVEL,
    alarms: {
      periodSeconds: env.TASKPIPE_ALARM_PERIOD_SECONDS,
      ...(env.TASKPIPE_WEBHOOK_URL
        ? { webhook: { url: env.TASKPIPE_WEBHOOK_URL, kind: env.TASKPIPE_WEBHOOK_KIND } }
        : {}),
      print: (text) => process.stdout.write(`${text}\n`),
    },
  });
  const operatorConsole = await startLocalConsole(pipeline, env.TASKPIPE_CONSOLE_PORT, (error) =>
    process.stderr.write(`console: ${String(error)}\n`),
  );
  pipeline.info.consoleUrl = operatorConsole.url;
  await writeLocalState(pipeline.info);
  process.stdout.write(banner(pipeline.info, LOCAL_STATE_FILE));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: finishing in-flight batches, then stopping…\n`);
    await operatorConsole.close();
    await pipeline.stop();
    await removeLocalState();
    process.stdout.write('stopped\n');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  // One clear line; the stack only when asked for.
  const message = error instanceof TaskpipeError ? error.message : String(error);
  process.stderr.write(`taskpipe: ${message}\n`);
  if (process.env.TASKPIPE_VERBOSE && error instanceof Error)
    process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
