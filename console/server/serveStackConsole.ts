import type { Target } from '../../cli/target.js';
import { parsePipelineDefinition } from '../../definition/parsePipelineDefinition.js';
import { pipelineDefinition } from '../../definition/pipeline.js';
import { registry as appRegistry } from '../../functions/tasks/index.js';
import { awsCaller } from './actions/identity.js';
import { resolveSchedules } from './ConsoleContext.js';
import { ConsoleServer } from './ConsoleServer.js';
import { cloudWatchObservations } from './sources/cloudWatchObservations.js';

export interface StackConsoleOptions {
  port: number;
  /** Hides and refuses every action. */
  readOnly: boolean;
  /** Where actions are recorded, a JSON line each. */
  auditFile?: string;
  alarmPrefix: string;
  logGroup?: string;
  print: (line: string) => void;
}

/**
 * Serves the console for a deployed stack until SIGINT or SIGTERM: the same server and
 * handlers as the local console, with CloudWatch for metrics and alarms.
 */
export async function serveStackConsole(
  target: Target,
  options: StackConsoleOptions,
): Promise<void> {
  const observations = cloudWatchObservations({
    region: target.region,
    routes: target.routes,
    alarmPrefix: options.alarmPrefix,
    ...(options.logGroup ? { logGroup: options.logGroup } : {}),
  });
  const config = parsePipelineDefinition(pipelineDefinition, appRegistry);
  const server = await ConsoleServer.start(
    { target, observations, schedules: resolveSchedules(config) },
    {
      port: options.port,
      readOnly: options.readOnly,
      audit: {
        identity: () => awsCaller(target.region),
        ...(options.auditFile ? { file: options.auditFile } : {}),
        print: options.print,
      },
      onError: (error) => options.print(`console: ${(error as Error).message ?? String(error)}`),
    },
  );
  options.print(`taskpipe console for ${target.where}`);
  options.print(
    `  Console    ${server.url}   (${options.readOnly ? 'read-only' : 'actions on'}; Ctrl-C to stop)`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  observations.close();
}
