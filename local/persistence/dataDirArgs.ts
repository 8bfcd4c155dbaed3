import { parseArgs } from 'node:util';
import { ConfigError } from '../../functions/core/errors.js';

export interface DataDirChoice {
  /** Undefined: state stays in memory. */
  dataDir?: string;
  reset: boolean;
}

const USAGE = 'usage: npm start -- [--data-dir <dir> [--reset]]';

/**
 * Reads `npm start -- --data-dir <dir> [--reset]`; the flag wins over TASKPIPE_DATA_DIR.
 * Throws ConfigError naming what was wrong and what is allowed.
 */
export function dataDirArgs(argv: string[], envDataDir: string | undefined): DataDirChoice {
  let values: { 'data-dir'?: string; reset?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { 'data-dir': { type: 'string' }, reset: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}; ${USAGE}`);
  }
  const dataDir = values['data-dir'] ?? envDataDir;
  if (dataDir !== undefined && dataDir.trim() === '')
    throw new ConfigError(`--data-dir needs a directory; ${USAGE}`);
  if (values.reset && dataDir === undefined)
    throw new ConfigError(`--reset clears a data dir, and none was given; ${USAGE}`);
  return { ...(dataDir !== undefined ? { dataDir } : {}), reset: values.reset ?? false };
}
