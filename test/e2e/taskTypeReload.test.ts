import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalPipeline } from '../../local/LocalPipeline.js';
import { watchTaskTypes } from '../../local/watchTaskTypes.js';
import { pollUntil } from '../helpers/poll.js';

const root = resolve(import.meta.dirname, '../..');
// The registry of the application's task types, plus whatever `extra` lists.
const registrySource = (
  extra: string,
) => `import { createRegistry } from '../../functions/core/index.js';
import { tasks } from '../../functions/tasks/index.js';
${extra}`;
const greetSource = `import * as z from 'zod';
import { defineTask, PermanentError } from '../../functions/core/index.js';
export const greet = defineTask({
  type: 'greet.reloaded',
  schema: z.object({ name: z.string() }),
  handler: async ({ name }) => {
    if (name === 'nobody') throw new PermanentError('no one to greet');
    return { greeting: \`hello \${name}\` };
  },
});
`;

// npm start's reload of task types, on a registry module of its own next to the project.
describe('task types reloaded while the runtime runs', () => {
  let dir: string;
  let pipeline: LocalPipeline;
  let watcher: { close(): void };
  const lines: string[] = [];
  const waiters: { match: RegExp; resolve: (line: string) => void }[] = [];
  const print = (line: string) => {
    lines.push(line);
    for (const w of waiters.filter((w) => w.match.test(line))) w.resolve(line);
  };
  // The next printed line matching `match`, within a bound.
  const nextLine = (match: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no line ${match}; got ${lines}`)), 30_000);
      const done = (line: string) => {
        clearTimeout(timer);
        resolve(line);
      };
      waiters.push({ match, resolve: done });
    });
  const enqueue = async (type: string, payload: unknown) => {
    const res = await fetch(`${pipeline.info.apiUrl}/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type, payload }),
    });
    return { status: res.status, body: (await res.json()) as { taskId: string } };
  };
  const finalState = (id: string) =>
    pollUntil(
      async () =>
        (await (await fetch(`${pipeline.info.apiUrl}/tasks/${id}`)).json()) as {
          status: string;
          result?: unknown;
          lastError?: { code: string };
        },
      (t) => t.status === 'SUCCEEDED' || t.status === 'FAILED',
      { what: `task ${id} final` },
    );

  beforeAll(async () => {
    // Inside the project (git-ignored), so the module resolves zod as the task types do.
    await mkdir(join(root, '.taskpipe'), { recursive: true });
    dir = await mkdtemp(join(root, '.taskpipe', 'reload-'));
    await writeFile(
      join(dir, 'index.ts'),
      registrySource('export const registry = createRegistry(tasks);'),
    );
    pipeline = await LocalPipeline.start({
      ports: { api: 0, sqs: 0, dynamodb: 0 },
      logLevel: 'SILENT',
    });
    watcher = watchTaskTypes({ pipeline, dir, registryFile: join(dir, 'index.ts'), root, print });
  });
  afterAll(async () => {
    watcher?.close();
    await pipeline?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs a type added by a new file and a registry line, and keeps it through a broken change', async () => {
    const before = pipeline.info.taskTypes!.length;
    expect((await enqueue('greet.reloaded', { name: 'ada' })).status).toBe(400);

    const reloaded = nextLine(new RegExp(`reloaded with ${before + 1} types`));
    await writeFile(join(dir, 'greet.ts'), greetSource);
    await writeFile(
      join(dir, 'index.ts'),
      registrySource(`import { greet } from './greet.js';
export const registry = createRegistry([...tasks, greet]);`),
    );
    expect(await reloaded).toMatch(/^task types changed \(.*reload-.*\): consumer and API/);
    expect(pipeline.info.taskTypes).toContain('greet.reloaded');

    const ok = await enqueue('greet.reloaded', { name: 'ada' });
    expect(ok.status).toBe(202);
    expect(await finalState(ok.body.taskId)).toMatchObject({
      status: 'SUCCEEDED',
      result: { greeting: 'hello ada' },
    });
    // The new code's PermanentError is recognised by the consumer it was loaded with.
    const refused = await enqueue('greet.reloaded', { name: 'nobody' });
    expect(await finalState(refused.body.taskId)).toMatchObject({
      status: 'FAILED',
      lastError: { code: 'permanent' },
    });

    const broken = nextLine(/did not load/);
    await writeFile(join(dir, 'greet.ts'), `${greetSource}\nexport const = ;\n`);
    expect(await broken).toMatch(`still running the ${before + 1} previous types`);
    const still = await enqueue('greet.reloaded', { name: 'grace' });
    expect(await finalState(still.body.taskId)).toMatchObject({ status: 'SUCCEEDED' });
  }, 90_000);
});
