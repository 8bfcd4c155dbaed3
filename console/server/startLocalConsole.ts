import { openLocal } from '../../cli/target.js';
import type { LocalPipeline } from '../../local/LocalPipeline.js';
import { portError } from '../../local/PortInUseError.js';
import { ConsoleServer } from './ConsoleServer.js';
import { localObservations } from './sources/localObservations.js';

/**
 * The console beside `npm start`: the CLI's target over the local emulators, and the
 * runtime's own metrics and alarms. Closing it also closes its clients.
 */
export async function startLocalConsole(
  pipeline: LocalPipeline,
  port: number,
  onError?: (error: unknown) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const target = openLocal(pipeline.info);
  try {
    const server = await ConsoleServer.start(
      { target, observations: localObservations(pipeline.metrics, pipeline.alarms, pipeline.info) },
      { port, ...(onError ? { onError } : {}) },
    );
    return {
      url: server.url,
      async close() {
        await server.close();
        target.close();
      },
    };
  } catch (error) {
    target.close();
    throw portError(error, 'operator console', port, 'TASKPIPE_CONSOLE_PORT');
  }
}
