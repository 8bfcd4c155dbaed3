import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DATA_DIR_FORMAT,
  openDataDir,
  VERSION_FILE,
} from '../../../../local/persistence/DataDir.js';
import { DataDirError } from '../../../../local/persistence/DataDirError.js';

describe('openDataDir', () => {
  let parent: string;
  let dir: string;
  beforeEach(async () => {
    parent = await mkdtemp(join(tmpdir(), 'taskpipe-datadir-'));
    dir = join(parent, 'data');
  });
  afterEach(() => rm(parent, { recursive: true, force: true }));

  const version = (format: number) =>
    writeFile(join(dir, VERSION_FILE), JSON.stringify({ format, createdAt: 'then' }));
  const refusal = (reset = false) => {
    try {
      openDataDir(dir, { reset });
    } catch (error) {
      expect(error).toBeInstanceOf(DataDirError);
      return (error as Error).message;
    }
    throw new Error('openDataDir accepted the dir');
  };

  it('creates a new dir with its version file, locks it, and unlocks on release', async () => {
    const opened = openDataDir(dir, { reset: false });
    expect(opened).toMatchObject({ root: dir, created: true, killed: false });
    const written = JSON.parse(await readFile(join(dir, VERSION_FILE), 'utf8'));
    expect(written.format).toBe(DATA_DIR_FORMAT);
    expect((await readFile(join(dir, 'lock'), 'utf8')).trim()).toBe(String(process.pid));
    opened.release();
    expect(existsSync(join(dir, 'lock'))).toBe(false);
    expect(openDataDir(dir, { reset: false })).toMatchObject({ created: false, killed: false });
  });

  it('refuses a dir of an older format, changing nothing, and names --reset', async () => {
    await mkdir(dir);
    await version(DATA_DIR_FORMAT - 1);
    await writeFile(join(dir, 'queues.journal.jsonl'), 'old\n');
    expect(refusal()).toMatch(
      /older taskpipe \(data format 0; this version reads format 1\).*--reset/,
    );
    expect(await readFile(join(dir, 'queues.journal.jsonl'), 'utf8')).toBe('old\n');
  });

  it('refuses a dir of a newer format', async () => {
    await mkdir(dir);
    await version(DATA_DIR_FORMAT + 1);
    expect(refusal()).toMatch(/newer taskpipe \(data format 2.*Upgrade taskpipe/);
  });

  it('refuses a corrupt version file', async () => {
    await mkdir(dir);
    await writeFile(join(dir, VERSION_FILE), '{"format":');
    expect(refusal()).toMatch(/is corrupt: taskpipe-data.json.*--reset/);
  });

  it('never touches a dir that is not its own, even with --reset', async () => {
    await mkdir(dir);
    await writeFile(join(dir, 'thesis.tex'), 'precious');
    expect(refusal()).toMatch(/not a taskpipe data dir \(it holds thesis.tex/);
    expect(refusal(true)).toMatch(/nothing was changed/);
    expect(await readdir(dir)).toEqual(['thesis.tex']);
  });

  it('--reset deletes only what taskpipe wrote, then starts empty', async () => {
    await mkdir(join(dir, 'tasks'), { recursive: true });
    await version(DATA_DIR_FORMAT - 1);
    await writeFile(join(dir, 'queues.snapshot.jsonl'), 'x\n');
    await writeFile(join(dir, 'README'), 'kept');
    const opened = openDataDir(dir, { reset: true });
    expect(opened.created).toBe(true);
    expect((await readdir(dir)).sort()).toEqual(['README', 'lock', 'state', VERSION_FILE]);
  });

  it('refuses a dir another live runtime holds', async () => {
    await mkdir(dir);
    await version(DATA_DIR_FORMAT);
    await writeFile(join(dir, 'lock'), `${process.ppid}\n`);
    expect(refusal()).toMatch(`in use by another taskpipe (pid ${process.ppid})`);
    expect(refusal(true)).toMatch('in use by another taskpipe');
  });

  it('takes over the lock of a runtime that was killed, and says so', async () => {
    await mkdir(dir);
    await version(DATA_DIR_FORMAT);
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    await writeFile(join(dir, 'lock'), `${gone}\n`);
    expect(openDataDir(dir, { reset: false }).killed).toBe(true);
  });
});
