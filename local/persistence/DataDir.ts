import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as z from 'zod';
import { DataDirError } from './DataDirError.js';
import { QUEUE_JOURNAL, QUEUE_SNAPSHOT } from './QueueJournal.js';

/** The layout of a data dir; a dir with another format is refused, never converted. */
export const DATA_DIR_FORMAT = 1;
export const VERSION_FILE = 'taskpipe-data.json';
const LOCK_FILE = 'lock';
/** The entries taskpipe writes; `--reset` deletes these and nothing else. */
const OWN_ENTRIES = new Set([
  VERSION_FILE,
  LOCK_FILE,
  'tasks',
  'state',
  'outbox',
  QUEUE_SNAPSHOT,
  QUEUE_JOURNAL,
  `${QUEUE_SNAPSHOT}.tmp`,
]);

const versionFile = z.object({ format: z.number().int(), createdAt: z.string() });

/** An opened, checked and locked data dir (docs/persistence.md). */
export interface DataDir {
  root: string;
  /** dynalite's LevelDB directory: the task table. */
  tasks: string;
  /** One JSON file per registered state part. */
  state: string;
  /** True when the dir was new, empty, or reset. */
  created: boolean;
  /** The last runtime on this dir was killed: it left its lock behind. */
  killed: boolean;
  release(): void;
}

/**
 * Opens `dir` for this process: creates it when new, refuses one written by another data
 * format, a corrupt one, a foreign one, or one in use; `reset` first deletes what taskpipe
 * wrote there.
 */
export function openDataDir(dir: string, options: { reset: boolean }): DataDir {
  const root = resolve(dir);
  mkdirSync(root, { recursive: true, mode: 0o700 });
  if (options.reset) reset(root);
  const created = options.reset || readdirSync(root).length === 0;
  if (created) {
    const version = { format: DATA_DIR_FORMAT, createdAt: new Date().toISOString() };
    writeFileSync(join(root, VERSION_FILE), `${JSON.stringify(version)}\n`, { mode: 0o600 });
  } else checkVersion(root);
  const killed = lock(root);
  mkdirSync(join(root, 'state'), { recursive: true, mode: 0o700 });
  return {
    root,
    tasks: join(root, 'tasks'),
    state: join(root, 'state'),
    created,
    killed,
    release: () => rmSync(join(root, LOCK_FILE), { force: true }),
  };
}

function reset(root: string): void {
  const entries = readdirSync(root);
  const foreign = entries.filter((e) => !OWN_ENTRIES.has(e));
  if (foreign.length > 0 && !entries.includes(VERSION_FILE)) throw notOurs(root, foreign);
  checkNotLocked(root);
  for (const entry of entries)
    if (OWN_ENTRIES.has(entry)) rmSync(join(root, entry), { recursive: true, force: true });
}

function checkVersion(root: string): void {
  const entries = readdirSync(root);
  if (!entries.includes(VERSION_FILE)) throw notOurs(root, entries);
  let parsed: z.infer<typeof versionFile>;
  try {
    parsed = versionFile.parse(JSON.parse(readFileSync(join(root, VERSION_FILE), 'utf8')));
  } catch {
    throw new DataDirError(
      `data dir ${root} is corrupt: ${VERSION_FILE} is not a taskpipe version file. ` +
        'Start with --reset to clear it (its tasks and messages are deleted), or choose another --data-dir',
    );
  }
  if (parsed.format < DATA_DIR_FORMAT)
    throw new DataDirError(
      `data dir ${root} was written by an older taskpipe (data format ${parsed.format}; this version reads format ${DATA_DIR_FORMAT}). ` +
        'Start with --reset to clear it (its tasks and messages are deleted), or choose another --data-dir',
    );
  if (parsed.format > DATA_DIR_FORMAT)
    throw new DataDirError(
      `data dir ${root} was written by a newer taskpipe (data format ${parsed.format}; this version reads format ${DATA_DIR_FORMAT}). ` +
        'Upgrade taskpipe, or choose another --data-dir',
    );
}

/** One runtime per dir: a second would corrupt the journal and the task table. */
/** Returns true when a killed runtime's lock was taken over. */
function lock(root: string): boolean {
  const file = join(root, LOCK_FILE);
  try {
    writeFileSync(file, `${process.pid}\n`, { mode: 0o600, flag: 'wx' });
    return false;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Left by a runtime that was killed: its pid is gone, so the lock is stale.
    checkNotLocked(root);
    writeFileSync(file, `${process.pid}\n`, { mode: 0o600 });
    return true;
  }
}

function checkNotLocked(root: string): void {
  let pid: number;
  try {
    pid = Number(readFileSync(join(root, LOCK_FILE), 'utf8').trim());
  } catch {
    return;
  }
  if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid))
    throw new DataDirError(
      `data dir ${root} is in use by another taskpipe (pid ${pid}); stop it first or choose another --data-dir`,
    );
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const notOurs = (root: string, entries: string[]) =>
  new DataDirError(
    `${root} is not a taskpipe data dir (it holds ${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''} and no ${VERSION_FILE}); ` +
      'nothing was changed. Choose an empty or new directory for --data-dir',
  );
