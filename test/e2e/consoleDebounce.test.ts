import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { startLocalConsole } from '../../console/server/startLocalConsole.js';
import { pipelineDefinition } from '../../definition/pipeline.js';
import { createRegistry } from '../../functions/core/registry.js';
import { defineTask } from '../../functions/core/task.js';
import { LocalPipeline } from '../../local/LocalPipeline.js';
import { browserUnavailable, launchBrowser } from '../helpers/browser.js';
import { pollUntil } from '../helpers/poll.js';

const skip = browserUnavailable();

// The task page of a debounced task, in a browser: why it was cancelled, and a link to the
// task that ran instead.
describe.skipIf(skip)('a debounced task in the console', { timeout: 120_000 }, () => {
  let pipeline: LocalPipeline;
  let browser: Browser;
  let console: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    [pipeline, browser] = await Promise.all([
      LocalPipeline.start({
        ports: { api: 0, sqs: 0, dynamodb: 0 },
        definition: { ...pipelineDefinition, queues: [{ priority: 'default', maxConcurrency: 2 }] },
        registry: createRegistry([
          defineTask({
            type: 'sync.account',
            schema: z.object({ account: z.string() }),
            debounce: { key: (p) => p.account, seconds: 3 },
            handler: () => null,
          }),
        ]),
        logLevel: 'SILENT',
      }),
      launchBrowser(),
    ]);
    console = await startLocalConsole(pipeline, { port: 0 });
  }, 120_000);
  afterAll(async () => {
    await Promise.all([console?.close(), browser?.close()]);
    await pipeline?.stop();
  });

  const enqueue = async () => {
    const res = await fetch(`${pipeline.info.apiUrl}/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'sync.account', payload: { account: 'a1' } }),
    });
    return ((await res.json()) as { taskId: string }).taskId;
  };

  it('shows Cancelled debounced, linking to the task that ran', async () => {
    const loser = await enqueue();
    const winner = await enqueue();
    await pollUntil(
      async () =>
        (await (await fetch(`${pipeline.info.apiUrl}/tasks/${loser}`)).json()) as {
          status: string;
        },
      (t) => t.status === 'CANCELLED',
      { what: 'the earlier task debounced', timeoutMs: 30_000 },
    );
    const page = await browser.newPage();
    try {
      await page.goto(new URL(`#/tasks/${loser}`, console.url).href);
      const cancelled = page.locator('dt:text-is("Cancelled") + dd');
      await cancelled.waitFor();
      expect(await cancelled.textContent()).toBe(`debounced (superseded by ${winner})`);
      expect(await cancelled.locator('a[data-link="superseded-by"]').getAttribute('href')).toBe(
        `#/tasks/${winner}`,
      );
    } finally {
      await page.close();
    }
  });
});
