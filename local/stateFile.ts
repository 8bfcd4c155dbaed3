import { rmSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocalPipelineInfo } from './LocalPipeline.js';

/**
 * Where a running local pipeline says how to reach it (git-ignored). Anchored at the
 * project's root, not the working directory, so the CLI finds it from any subdirectory.
 */
export const LOCAL_STATE_FILE = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '.taskpipe',
  'local.json',
);

export async function writeLocalState(info: LocalPipelineInfo, file = LOCAL_STATE_FILE) {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
}

export async function readLocalState(
  file = LOCAL_STATE_FILE,
): Promise<LocalPipelineInfo | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LocalPipelineInfo;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export async function removeLocalState(file = LOCAL_STATE_FILE): Promise<void> {
  await rm(file, { force: true });
}

/** The same, synchronously: for a stop that cannot wait (a second Ctrl-C). */
export function removeLocalStateNow(file = LOCAL_STATE_FILE): void {
  rmSync(file, { force: true });
}
