import { openLocal } from '../../cli/target.js';
import type { LocalPipeline } from '../../local/LocalPipeline.js';
import { portError } from '../../local/PortInUseError.js';
import { osUser } from './actions/identity.js';
import { resolveSchedules } from './ConsoleContext.js';
import { ConsoleServer } from './ConsoleServer.js';
import { localObservations } from './sources/localObservations.js';

/** The audit log's name, beside the local state file. */
export const CONSOLE_AUDIT_FILE = 'console-audit.jsonl';

export interface LocalConsoleOptions {
  port: number;
  /** Hides and refuses every action. @default false */
  readOnly?: boolean;
  /** Where actions are recorded, a JSON line each. */
  auditFile?: string;
  /** A line per action, for the terminal. */
  print?: (line: string) => void;
  onError?: (error: unknown) => void;
}

/**
 * The console beside `npm start`: the CLI's target over the local emulators, and the
 * runtime's own metrics and alarms. Actions are recorded as the OS user. Closing it also
 * closes its clients.
 */
export async function startLocalConsole(
  pipeline: LocalPipeline,
  options: LocalConsoleOptions,
): Promise<{ url: string; close(): Promise<void> }> {
  const target = openLocal(pipeline.info);
  try {
    const server = await ConsoleServer.start(
      {
        target,
        observations: localObservations(pipeline.metrics, pipeline.alarms, pipeline.info),
        schedules: resolveSchedules(pipeline.config),
        outbox: pipeline.email.outbox,
      },
      {
        port: options.port,
        readOnly: options.readOnly ?? false,
        audit: {
          identity: osUser,
          ...(options.auditFile ? { file: options.auditFile } : {}),
          ...(options.print ? { print: options.print } : {}),
        },
        ...(options.onError ? { onError: options.onError } : {}),
      },
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
    throw portError(error, 'operator console', options.port, 'TASKPIPE_CONSOLE_PORT');
  }
}
