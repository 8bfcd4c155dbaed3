import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliHarness, startCliHarness } from '../e2e/cliHarness.js';
import { pollUntil } from '../helpers/poll.js';

/** One hostile command line and the exit status it must get (2 usage, 3 not found). */
interface CliCase {
  name: string;
  args: string[];
  code: number;
  /** Text stderr must not echo back. */
  notEchoed?: string;
}

const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const BIG_FILE = 'big.json';

// biome-ignore format: a table reads best one row to a line
const CASES: CliCase[] = [
  { name: 'unknown type', args: ['enqueue', 'no.such.type'], code: 2 },
  { name: 'type with <script>', args: ['enqueue', '<script>alert(1)</script>'], code: 2, notEchoed: '<script>' },
  { name: 'type with ../', args: ['enqueue', '../../etc/passwd'], code: 2, notEchoed: '../' },
  { name: 'type with an escape sequence', args: ['enqueue', 'noop\u001b[2J'], code: 2, notEchoed: '\u001b' },
  { name: 'type of 65 characters', args: ['enqueue', `a${'b'.repeat(64)}`], code: 2, notEchoed: 'b'.repeat(64) },
  { name: 'type with a right-to-left override', args: ['enqueue', '\u202enoop'], code: 2, notEchoed: '\u202e' },
  { name: 'number as a string in the payload', args: ['enqueue', 'noop', '--payload', '{"sleepMs":"5"}'], code: 2 },
  { name: 'payload that is not JSON', args: ['enqueue', 'noop', '--payload', 'not json'], code: 2 },
  { name: 'empty payload', args: ['enqueue', 'noop', '--payload', ''], code: 2 },
  { name: '__proto__ in a bad payload', args: ['enqueue', 'noop', '--payload', '{"__proto__":{"x":1},"sleepMs":"1"}'], code: 2 },
  { name: 'payload nested 5,000 deep', args: ['enqueue', 'http.post', '--payload', `{"url":"javascript:alert(1)","body":${nested(5_000)}}`], code: 2 },
  { name: 'payload file of 1 MiB + 1 bytes', args: ['enqueue', 'http.post', '--payload', `@${BIG_FILE}`], code: 2 },
  { name: 'zero-width character in the priority', args: ['enqueue', 'noop', '--priority', 'high\u200b'], code: 2 },
  { name: 'max attempts with trailing text', args: ['enqueue', 'noop', '--max-attempts', '3abc'], code: 2 },
  { name: 'idempotency key of 300 characters', args: ['enqueue', 'noop', '--idempotency-key', 'k'.repeat(300)], code: 2 },
  { name: 'SQL in the status filter', args: ['list', '--status', "FAILED' OR 1=1--"], code: 2 },
  { name: 'SQL as a task id', args: ['status', "' OR '1'='1"], code: 3 },
  { name: 'NoSQL operator as a task id', args: ['status', '{"$ne":null}'], code: 3 },
  { name: 'markup as a task id to cancel', args: ['cancel', '<script>alert(1)</script>'], code: 3, notEchoed: '<script>' },
  { name: 'path traversal as a task id to retry', args: ['retry', '../../etc/passwd'], code: 3, notEchoed: '../' },
];

// The real `taskpipe` binary given hostile arguments: each exits with its status, echoes
// nothing dangerous, and leaves no status row and no message behind.
describe('hostile input: CLI', () => {
  let cli: CliHarness;

  beforeAll(async () => {
    cli = await startCliHarness();
    const body = 'x'.repeat(1_048_577 - '{"url":"http://127.0.0.1:9/","body":""}'.length);
    await writeFile(join(cli.dir, BIG_FILE), `{"url":"http://127.0.0.1:9/","body":"${body}"}`);
  });
  afterAll(async () => {
    await cli?.stop();
  });

  const sideEffects = async () => {
    const { Count = 0 } = await cli.pipeline.clients.dynamodb.send(
      new ScanCommand({ TableName: cli.pipeline.info.tableName, Select: 'COUNT' }),
    );
    const depths = await Promise.all(cli.pipeline.info.queues.map((q) => cli.depth(q.url)));
    return { rows: Count, messages: depths.reduce((a, b) => a + b, 0) };
  };

  it.each(CASES)('$name → exit $code, nothing recorded or sent', async (c) => {
    const args = c.args.map((a) => (a === `@${BIG_FILE}` ? `@${join(cli.dir, BIG_FILE)}` : a));

    const out = await cli.run(...args);

    expect(out.code, out.stderr).toBe(c.code);
    // One line saying what is wrong: the CLI's own, or commander's for a bad option value.
    expect(out.stderr).toMatch(/^(taskpipe|error): /m);
    if (c.notEchoed) expect(out.stderr).not.toContain(c.notEchoed);
    expect(await sideEffects()).toEqual({ rows: 0, messages: 0 });
  });

  it('answers cancel and retry of a finished task with exit 4 and its state', async () => {
    const { taskId } = await cli.json<{ taskId: string }>('enqueue', 'noop');
    await pollUntil(
      () => cli.store.get(taskId),
      (t) => t?.status === 'SUCCEEDED',
      { what: 'noop SUCCEEDED' },
    );

    const cancel = await cli.run('cancel', taskId);
    const retry = await cli.run('retry', taskId);

    expect(cancel.code).toBe(4);
    expect(cancel.stderr).toContain('SUCCEEDED');
    expect(retry.code).toBe(4);
    expect(retry.stderr).toContain('SUCCEEDED');
    expect((await cli.store.get(taskId))?.status).toBe('SUCCEEDED');
  });
});
