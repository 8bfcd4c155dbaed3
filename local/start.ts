import './quietSdk.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONSOLE_AUDIT_FILE, startLocalConsole } from '../console/server/startLocalConsole.js';
import { TaskpipeError } from '../functions/core/errors.js';
import { banner } from './banner.js';
import { LocalPipeline } from './LocalPipeline.js';
import { parseLocalEnv } from './localEnv.js';
import { dataDirArgs } from './persistence/dataDirArgs.js';
import { storageNotice } from './persistence/storageNotice.js';
import { installShutdown } from './shutdown.js';
import {
  LOCAL_STATE_FILE,
  removeLocalState,
  removeLocalStateNow,
  writeLocalState,
} from './stateFile.js';
import { watchTaskTypes } from './watchTaskTypes.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tasksDir = join(root, 'functions', 'tasks');

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
  const stateFile = env.TASKPIPE_STATE_FILE ?? LOCAL_STATE_FILE;
  const operatorConsole = await startLocalConsole(pipeline, {
    port: env.TASKPIPE_CONSOLE_PORT,
    readOnly: env.TASKPIPE_CONSOLE_READ_ONLY,
    auditFile: join(dirname(stateFile), CONSOLE_AUDIT_FILE),
    print: (line) => process.stdout.write(`${line}\n`),
    onError: (error) => process.stderr.write(`console: ${String(error)}\n`),
  });
  pipeline.info.consoleUrl = operatorConsole.url;
  if (env.TASKPIPE_CONSOLE_READ_ONLY) pipeline.info.consoleReadOnly = true;
  watchTaskTypes({
    pipeline,
    dir: tasksDir,
    registryFile: join(tasksDir, 'index.ts'),
    root,
    print: (line) => process.stdout.write(`${line}\n`),
    onReload: () => writeLocalState(pipeline.info, stateFile),
  });
  installShutdown({
    pipeline: {
      inFlightBatches: () => pipeline.inFlightBatches(),
      async stop() {
        await operatorConsole.close();
        await pipeline.stop();
      },
    },
    timeoutSeconds: pipeline.config.consumer.timeoutSeconds,
    dataNote: storageNotice(pipeline.info.dataDir),
    removeState: {
      async: () => removeLocalState(stateFile),
      now: () => removeLocalStateNow(stateFile),
    },
    print: (line) => process.stdout.write(`${line}\n`),
    exit: (code) => process.exit(code),
  });
  // The banner says the runtime is ready, so the signal handlers are in place before it.
  await writeLocalState(pipeline.info, stateFile);
  process.stdout.write(banner(pipeline.info, stateFile));
}

main().catch((error: unknown) => {
  // One clear line; the stack only when asked for.
  const message = error instanceof TaskpipeError ? error.message : String(error);
  process.stderr.write(`taskpipe: ${message}\n`);
  if (process.env.TASKPIPE_VERBOSE && error instanceof Error)
    process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
