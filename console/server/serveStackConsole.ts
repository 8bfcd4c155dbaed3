import type { Target } from '../../cli/target.js';
import { ConsoleServer } from './ConsoleServer.js';
import { cloudWatchObservations } from './sources/cloudWatchObservations.js';

export interface StackConsoleOptions {
  port: number;
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
  const server = await ConsoleServer.start(
    { target, observations },
    {
      port: options.port,
      onError: (error) => options.print(`console: ${(error as Error).message ?? String(error)}`),
    },
  );
  options.print(`taskpipe console for ${target.where}`);
  options.print(`  Console    ${server.url}   (read-only; Ctrl-C to stop)`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  observations.close();
}
