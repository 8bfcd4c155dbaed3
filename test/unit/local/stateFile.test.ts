import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { LOCAL_STATE_FILE } from '../../../local/stateFile.js';

const run = promisify(execFile);

describe('the local state file', () => {
  it('is found at the project root from any subdirectory', async () => {
    const module = resolve('local/stateFile.ts');
    const { stdout } = await run(
      process.execPath,
      [
        resolve('node_modules/tsx/dist/cli.mjs'),
        '-e',
        `import(${JSON.stringify(module)}).then((m) => console.log(m.LOCAL_STATE_FILE))`,
      ],
      { cwd: resolve('functions/core'), timeout: 30_000 },
    );
    expect(stdout.trim()).toBe(resolve('.taskpipe/local.json'));
    expect(LOCAL_STATE_FILE).toBe(resolve('.taskpipe/local.json'));
  });
});
