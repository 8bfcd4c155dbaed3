import type { Command } from 'commander';
import { toCliError } from './errors.js';
import { Output } from './output.js';
import type { GlobalOptions, Target } from './target.js';

/** What a command's body gets: the options, the printer, and the target on demand. */
export interface Context {
  options: GlobalOptions;
  out: Output;
  /** Resolved once, on first use; closed when the command ends. */
  target(): Promise<Target>;
}

/**
 * Runs a command's body with its context, and turns whatever it throws into a `CliError`
 * that names the target when a connection failed.
 */
export async function runCommand(
  command: Command,
  body: (ctx: Context) => Promise<void>,
): Promise<void> {
  const options = command.optsWithGlobals<GlobalOptions>();
  const out = new Output(Boolean(options.json));
  let target: Target | undefined;
  const ctx: Context = {
    options,
    out,
    target: async () => {
      // Loaded on first use: the SDK clients and the service are most of the start-up time.
      const { resolveTarget } = await import('./target.js');
      target ??= await resolveTarget(options);
      return target;
    },
  };
  try {
    await body(ctx);
  } catch (error) {
    throw toCliError(error, target?.where);
  } finally {
    target?.close();
  }
}
