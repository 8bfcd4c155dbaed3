import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../helpers/poll.js';
import { type CliHarness, cliLines, startCliHarness } from './cliHarness.js';

// `taskpipe group` and `taskpipe group show`, run as a user runs them.
describe('taskpipe group', () => {
  let cli: CliHarness;
  beforeAll(async () => {
    cli = await startCliHarness();
  });
  afterAll(async () => cli?.stop());

  it('sends a file of more than one request of tasks as one group, then shows it done', async () => {
    const file = join(cli.dir, 'tables.json');
    // 7 tasks in parts of 3: a request of 3, two added parts, then the seal.
    await writeFile(
      file,
      JSON.stringify(Array.from({ length: 7 }, () => ({ type: 'noop', payload: {} }))),
    );
    const created = await cli.json<{ groupId: string; state: string; total: number }>(
      'group',
      '--tasks',
      `@${file}`,
      '--on-success',
      '{"type":"noop","payload":{}}',
      '--part-size',
      '3',
    );
    expect(created).toMatchObject({ state: 'SEALED', total: 7 });

    const followUp = `${created.groupId}.on-success`;
    await pollUntil(
      () => cli.store.get(followUp),
      (t) => t?.status === 'SUCCEEDED',
      { what: 'the group follow-up', timeoutMs: 30_000 },
    );
    const shown = await cli.run('group', 'show', created.groupId, '--limit', '2');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/progress\s+100%/);
    expect(shown.stdout).toContain('7 succeeded, 0 failed, 0 not ended');
    expect(shown.stdout).toMatch(new RegExp(`on success\\s+${followUp}\n`));
    expect(shown.stdout).toContain(`${created.groupId}.1  SUCCEEDED`);
    expect(shown.stdout).toContain('more from --offset 2');
    // A member's status names its group.
    const member = await cli.run('status', `${created.groupId}.1`);
    expect(member.stdout).toMatch(new RegExp(`group\\s+${created.groupId}\n`));
  });

  it('exits 2 for a bad task file and 3 for an unknown group', async () => {
    const bad = await cli.run('group', '--tasks', '{"type":"noop"}');
    expect(bad.code).toBe(2);
    expect(cliLines(bad.stderr).join('\n')).toMatch(/must be a JSON array/);
    const none = await cli.run('group');
    expect(none.code).toBe(2);
    expect(cliLines(none.stderr).join('\n')).toMatch(/--tasks is required/);
    const missing = await cli.run('group', 'show', 'no-such-group');
    expect(missing.code).toBe(3);
  });
});
