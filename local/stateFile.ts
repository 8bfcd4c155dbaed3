import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { LocalPipelineInfo } from './LocalPipeline.js';

/** Where a running local pipeline says how to reach it (git-ignored). */
export const LOCAL_STATE_FILE = resolve('.taskpipe', 'local.json');

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
