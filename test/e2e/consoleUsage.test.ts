import { describe, expect, it } from 'vitest';
import { cliLines, runCli } from './cliHarness.js';

describe('taskpipe console', () => {
  it('asks for --stack, and says where the local console is', async () => {
    const out = await runCli(['console']);
    expect(out.code).toBe(2);
    expect(cliLines(out.stderr)).toEqual([
      'taskpipe: console needs --stack NAME; the local runtime serves its own console (its URL is in the `npm start` banner)',
    ]);
  });

  it('is listed in the help', async () => {
    const out = await runCli(['--help']);
    expect(out.stdout).toMatch(/console \[options\]\s+serve the operator console/);
  });
});
