/** How often the countdown says what a stop still waits for. */
const COUNTDOWN_EVERY_MS = 5_000;
/**
 * A signal this soon after the first is the same Ctrl-C arriving twice (a wrapper such as
 * tsx relays it when its child is slow to report it), not a person pressing it again.
 */
const SAME_SIGNAL_MS = 1_000;

export interface ShutdownOptions {
  pipeline: { stop(): Promise<void>; inFlightBatches(): number };
  /** The consumer's timeout: no batch outlives it, so neither does a stop. */
  timeoutSeconds: number;
  /** What stopping at once leaves behind, for the line that says so. */
  dataNote: string;
  removeState: { async(): Promise<void>; now(): void };
  print(line: string): void;
  exit(code: number): void;
  /** @default Date.now */
  now?: () => number;
}

/**
 * Ctrl-C, SIGTERM or SIGHUP stop the runtime: the first lets in-flight batches finish (at
 * most the consumer timeout) with a countdown; a second stops at once. Either way the state
 * file goes, so the CLI never finds a runtime that is gone. A reader that went away (a
 * closed pipe) is no reason to crash before that.
 */
export function installShutdown(options: ShutdownOptions): void {
  const { pipeline, print } = options;
  const now = options.now ?? Date.now;
  let stoppingSince: number | undefined;
  let timer: NodeJS.Timeout | undefined;

  const stopNow = () => {
    clearInterval(timer);
    const left = pipeline.inFlightBatches();
    options.removeState.now();
    print(
      left > 0
        ? `stopped at once: ${left} batch(es) unfinished. Their messages were not acknowledged, so SQS delivers them again when their visibility timeout ends; ${options.dataNote}`
        : 'stopped at once',
    );
    options.exit(130);
  };

  const stop = async (signal: string) => {
    if (stoppingSince !== undefined) {
      return now() - stoppingSince < SAME_SIGNAL_MS ? undefined : stopNow();
    }
    const started = now();
    stoppingSince = started;
    const waiting = () => {
      const left = Math.max(0, options.timeoutSeconds - Math.round((now() - started) / 1000));
      return `waiting for ${pipeline.inFlightBatches()} in-flight batch(es) to finish, at most ${left} s more`;
    };
    print(
      `\n${signal}: stopping; ${waiting()} (the consumer timeout). Ctrl-C again stops at once.`,
    );
    timer = setInterval(() => {
      if (pipeline.inFlightBatches() > 0) print(`  ${waiting()}`);
    }, COUNTDOWN_EVERY_MS);
    timer.unref();
    let failure: unknown;
    try {
      await pipeline.stop();
    } catch (error) {
      failure = error;
    } finally {
      clearInterval(timer);
      await options.removeState.async();
    }
    print(failure === undefined ? 'stopped' : `stopped, with an error: ${String(failure)}`);
    options.exit(failure === undefined ? 0 : 1);
  };

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => void stop(signal));
  }
  // EPIPE once the other end of a pipe is gone: drop the output, keep stopping cleanly.
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
}
