import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scaleSource } from '../../bench/args.js';
import { scalePart } from '../../bench/finalRun.js';

describe('the final run’s scale part', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bench-final-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('runs N tasks by default, or as many as --scale says', () => {
    expect(scaleSource(['--final'])).toEqual({ tasks: 100_000 });
    expect(scaleSource(['--final', '--scale', '5000'])).toEqual({ tasks: 5_000 });
  });

  it('takes an earlier report with --scale-report, and refuses a missing or doubled source', () => {
    expect(scaleSource(['--final', '--scale-report', 'bench/scale-last-run.md'])).toEqual({
      report: 'bench/scale-last-run.md',
    });
    expect(() => scaleSource(['--final', '--scale-report'])).toThrow(
      '--scale-report takes a file, such as bench/scale-last-run.md (got nothing)',
    );
    expect(() => scaleSource(['--final', '--scale-report', '--scale', '10'])).toThrow(
      '(got --scale)',
    );
    expect(() => scaleSource(['--final', '--scale-report', 'x.md', '--scale', '10'])).toThrow(
      'give --scale N or --scale-report FILE, not both',
    );
  });

  it('reads the report instead of running, and says so', async () => {
    const file = join(dir, 'scale.md');
    await writeFile(file, '| tasks | 100000 |\n');
    const lines: string[] = [];

    const part = await scalePart({ report: file }, (line) => lines.push(line));

    expect(part).toBe(
      `_Scale: the report of an earlier run (${file}), not re-run._\n\n| tasks | 100000 |\n`,
    );
    expect(lines).toEqual([`scale: the report in ${file}`]);
  });

  it('names the file and what to give when the report cannot be read', async () => {
    const missing = join(dir, 'none.md');
    await expect(scalePart({ report: missing }, () => {})).rejects.toThrow(
      `--scale-report ${missing} could not be read`,
    );
  });
});
