import { TaskpipeError } from '../functions/core/errors.js';

/** A local listener could not bind its port. The message says how to pick another. */
export class PortInUseError extends TaskpipeError {
  readonly code = 'config';
  readonly retryable = false;

  constructor(
    readonly what: string,
    readonly port: number,
    readonly envVar: string,
  ) {
    super(
      `port ${port} (${what}) is already in use on 127.0.0.1; stop whatever holds it or choose another port: ${envVar}=<port> npm start`,
    );
  }
}

/** Maps EADDRINUSE to a PortInUseError; passes anything else through. */
export function portError(error: unknown, what: string, port: number, envVar: string): unknown {
  return (error as NodeJS.ErrnoException)?.code === 'EADDRINUSE'
    ? new PortInUseError(what, port, envVar)
    : error;
}
