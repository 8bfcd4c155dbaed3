import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { lambdaNode } from '../lambdaNode.js';

const run = promisify(execFile);

/** The instructions callgrind counted, from the `totals:` (or `summary:`) line of its file. */
export function totalInstructions(callgrindOut: string): number {
  const line = /^(?:totals|summary):\s+(\d+)/m.exec(callgrindOut);
  if (!line) throw new Error('callgrind output has no totals line');
  return Number(line[1]);
}

/** Whether valgrind can be run here; the bench skips instruction counts, saying so, if not. */
export async function callgrindAvailable(): Promise<boolean> {
  try {
    await run('valgrind', ['--version']);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `node <args>` under callgrind, on the functions' Node (`lambdaNode`), and returns the
 * instructions it executed, every thread included. Counts do not depend on the machine's
 * load, only on the work done.
 */
export async function countInstructions(
  args: string[],
  env: Record<string, string>,
): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'taskpipe-cg-'));
  const out = join(dir, 'callgrind.out');
  const node = await lambdaNode();
  try {
    await run(
      'valgrind',
      ['--tool=callgrind', `--callgrind-out-file=${out}`, node.path, ...args],
      // Generous: callgrind runs about 50× slower, and far slower on a loaded machine.
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60 * 60_000, maxBuffer: 1 << 24 },
    ).catch((error: { stderr?: string; killed?: boolean; message: string }) => {
      const tail = (error.stderr ?? '')
        .split('\n')
        .filter((l) => l && !l.startsWith('=='))
        .slice(-8)
        .join('\n');
      throw new Error(
        `${error.killed ? 'timed out: ' : ''}valgrind node ${args.join(' ').slice(0, 80)}: ${tail || error.message}`,
      );
    });
    return totalInstructions(await readFile(out, 'utf8'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
