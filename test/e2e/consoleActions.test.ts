import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocal, type Target } from '../../cli/target.js';
import { startLocalConsole } from '../../console/server/startLocalConsole.js';
import type { AuditEntry } from '../../console/shared/api.js';
import { pipelineDefinition } from '../../definition/pipeline.js';
import type { TaskStatus } from '../../functions/core/status.js';
import { LocalPipeline } from '../../local/LocalPipeline.js';
import {
  browserUnavailable,
  eventually,
  launchBrowser,
  screenshotDir,
} from '../helpers/browser.js';

const skip = browserUnavailable();

// The console's actions as an operator takes them: a real pipeline on the local emulators,
// the console beside it, and Debian's Chromium clicking through the pages.
describe.skipIf(skip)('operator console actions in a browser', { timeout: 120_000 }, () => {
  let pipeline: LocalPipeline;
  let target: Target;
  let browser: Browser;
  let shots: string;
  let hook: Server;
  let hookUrl: string;
  /** Names the hook answers 200 for; every other name gets a 400 (a permanent failure). */
  const healthy = new Set<string>();
  let console: { url: string; close(): Promise<void> };
  let readOnly: { url: string; close(): Promise<void> };
  const auditFile = join(tmpdir(), `taskpipe-audit-${process.pid}-${Date.now()}.jsonl`);
  const problems: string[] = [];

  beforeAll(async () => {
    hook = createServer((req, res) => {
      req.resume();
      const name = (req.url ?? '').split('/').pop() ?? '';
      res.writeHead(healthy.has(name) ? 200 : 400, { 'content-type': 'application/json' });
      res.end('{}');
    });
    await new Promise<void>((done) => hook.listen(0, '127.0.0.1', done));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    [pipeline, browser, shots] = await Promise.all([
      LocalPipeline.start({
        ports: { api: 0, sqs: 0, dynamodb: 0 },
        logLevel: 'SILENT',
        definition: {
          ...pipelineDefinition,
          schedules: [
            { name: 'nightly-noop', expression: 'cron(0 3 * * ? *)', type: 'noop', payload: {} },
          ],
        },
      }),
      launchBrowser(),
      screenshotDir(),
    ]);
    target = openLocal(pipeline.info);
    console = await startLocalConsole(pipeline, { port: 0, auditFile });
    readOnly = await startLocalConsole(pipeline, { port: 0, readOnly: true });
  }, 120_000);
  afterAll(async () => {
    await Promise.all([console?.close(), readOnly?.close(), browser?.close()]);
    target?.close();
    await pipeline?.stop();
    await new Promise((done) => hook?.close(done));
  });

  async function open(base: string, path: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.once('close', () => {
      context.close().catch(() => {});
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.goto(new URL(path, base).href);
    return page;
  }

  const statusOf = async (id: string): Promise<TaskStatus | undefined> => {
    try {
      return (await target.service.get(id)).status;
    } catch {
      return undefined;
    }
  };

  /** Enqueues an http.post to the hook under `name` and waits until it has FAILED. */
  async function failedTask(name: string, key = name): Promise<string> {
    const { taskId } = await target.service.enqueue({
      type: 'http.post',
      payload: { url: `${hookUrl}/${name}`, body: { name } },
      idempotencyKey: key,
    });
    await eventually(() => statusOf(taskId)).toBe('FAILED');
    return taskId;
  }

  async function auditEntries(): Promise<AuditEntry[]> {
    const text = await readFile(auditFile, 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AuditEntry);
  }

  it('retries a failed task from its page, and the task then succeeds', async () => {
    const id = await failedTask('single');
    healthy.add('single');
    const page = await open(console.url, `/#/tasks/${encodeURIComponent(id)}`);
    await page.getByRole('button', { name: 'Retry task…' }).click();
    const confirm = page.getByRole('group', { name: 'Confirm: Retry task…' });
    expect(await confirm.textContent()).toContain('becomes QUEUED');
    await page.screenshot({ path: join(shots, 'console-retry-confirm.png'), fullPage: true });
    await confirm.getByRole('button', { name: 'Confirm' }).click();
    await eventually(() => page.locator('[data-status], .badge').first().textContent()).toBe(
      'SUCCEEDED',
    );
    expect(await statusOf(id)).toBe('SUCCEEDED');
    const entry = (await auditEntries()).find((e) => e.action === 'task.retry');
    expect(entry).toMatchObject({ target: `task ${id}`, count: 1, outcome: 'ok' });
    expect(entry?.who).toMatch(/^os-user:/);
    await page.close();
  });

  it('bulk-retries FAILED tasks by filter, after a preview whose count is the real one', async () => {
    const ids = await Promise.all([1, 2, 3, 4, 5].map((i) => failedTask(`bulk`, `bulk-${i}`)));
    healthy.add('bulk');
    // The real count, listed independently of the console through the service.
    let real = 0;
    let cursor: string | undefined;
    do {
      const page = await target.service.list({
        status: 'FAILED',
        type: 'http.post',
        limit: 100,
        ...(cursor ? { cursor } : {}),
      });
      real += page.tasks.length;
      cursor = page.nextCursor;
    } while (cursor);
    expect(real).toBeGreaterThanOrEqual(ids.length);
    const page = await open(console.url, '/#/tasks?status=FAILED&type=http.post');
    await page.getByRole('button', { name: 'Retry all matching…' }).click();
    const count = page.locator('[data-preview-count]');
    await eventually(() => count.count()).toBe(1);
    expect(Number(await count.textContent())).toBe(real);
    await page.screenshot({ path: join(shots, 'console-bulk-preview.png'), fullPage: true });
    await page.getByRole('button', { name: `Retry ${real} task` }).click();
    await eventually(() =>
      page.locator('[data-batch-state]').getAttribute('data-batch-state'),
    ).toBe('done');
    expect(Number(await page.locator('[data-batch-done]').textContent())).toBe(real);
    await page.screenshot({ path: join(shots, 'console-bulk-done.png'), fullPage: true });
    for (const id of ids) await eventually(() => statusOf(id)).toBe('SUCCEEDED');
    const entry = (await auditEntries()).find((e) => e.action === 'tasks.bulk-retry');
    expect(entry).toMatchObject({ count: real, target: 'FAILED tasks where type=http.post' });
    await page.close();
  });

  it("redrives a DLQ: the dead letter's task runs again and succeeds", async () => {
    const id = await failedTask('dead');
    healthy.add('dead');
    const page = await open(console.url, '/#/dead-letters');
    const queue = page.locator('[data-dlq="default"]');
    await eventually(async () =>
      Number(await queue.locator('[data-dlq-depth]').textContent()),
    ).toBeGreaterThan(0);
    await queue.getByRole('button', { name: 'Redrive…' }).click();
    await page.screenshot({ path: join(shots, 'console-redrive-confirm.png'), fullPage: true });
    await queue.getByRole('button', { name: /^Redrive \d+$/ }).click();
    await eventually(() =>
      queue.locator('[data-batch-state]').getAttribute('data-batch-state'),
    ).toBe('done');
    await eventually(() => statusOf(id)).toBe('SUCCEEDED');
    expect((await auditEntries()).some((e) => e.action === 'dlq.redrive' && e.count >= 1)).toBe(
      true,
    );
    await page.close();
  });

  it('enqueues through the form built from the schema, showing a field error first', async () => {
    const page = await open(console.url, '/#/enqueue');
    await page.getByLabel('Task type').selectOption('noop');
    const sleep = page.getByLabel(/^sleepMs/);
    await sleep.fill('20000');
    await page.getByRole('button', { name: 'Enqueue' }).click();
    const error = page.locator('[data-field-error="sleepMs"]');
    await eventually(() => error.count()).toBe(1);
    expect(await error.textContent()).toMatch(/10000/);
    expect(await sleep.getAttribute('aria-invalid')).toBe('true');
    // The field's message is not repeated on the status line.
    const status = await page.locator('.outcome.bad').textContent();
    expect(status).toContain('one field needs a change');
    expect(status).not.toMatch(/10000/);
    await page.screenshot({ path: join(shots, 'console-enqueue-error.png'), fullPage: true });
    await sleep.fill('5');
    await page.getByRole('button', { name: 'Enqueue' }).click();
    const link = page.locator('.outcome.ok a');
    await eventually(() => link.count()).toBe(1);
    const id = (await link.textContent()) ?? '';
    await eventually(() => statusOf(id)).toBe('SUCCEEDED');
    // http.post's body is z.json(): the form gives it a JSON editor of its own.
    await page.getByLabel('Task type').selectOption('http.post');
    expect(await page.getByLabel(/^body/).evaluate((e) => e.tagName)).toBe('TEXTAREA');
    await page.close();
  });

  it('refuses a 1 MB hostile body with a clear error, runs none of it, and stays usable', async () => {
    const page = await open(console.url, '/#/enqueue');
    await page.getByLabel('Task type').selectOption('http.post');
    await page.getByLabel(/^url/).fill(`${hookUrl}/big`);
    // A 1 MiB string of markup that would run if any of it were rendered as HTML.
    const mark = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const big = mark.repeat(Math.ceil(2 ** 20 / mark.length));
    await page.getByLabel(/^body/).fill(JSON.stringify({ big }));
    const before = await target.service.list({ type: 'http.post', limit: 100 });
    await page.getByRole('button', { name: 'Enqueue' }).click();
    const bad = page.locator('.outcome.bad');
    await eventually(() => bad.count()).toBe(1);
    // Says what was wrong and what is allowed, at the field.
    expect(await bad.textContent()).toContain('one field needs a change');
    const error = page.locator('[data-field-error]');
    await eventually(() => error.count()).toBe(1);
    expect(await error.getAttribute('data-field-error')).toBe('(payload)');
    expect(await error.textContent()).toMatch(
      /at most 1,048,576 bytes; a task's payload at most .*262,144 bytes/,
    );
    expect(
      await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned),
    ).toBeUndefined();
    expect(await page.locator('main img, main script').count()).toBe(0);
    const after = await target.service.list({ type: 'http.post', limit: 100 });
    expect(after.tasks.length).toBe(before.tasks.length);
    await page.screenshot({ path: join(shots, 'console-enqueue-too-large.png') });
    // Still usable: a body of an allowed size goes through.
    healthy.add('big');
    await page.getByLabel(/^body/).fill(JSON.stringify({ small: mark }));
    await page.getByRole('button', { name: 'Enqueue' }).click();
    const link = page.locator('.outcome.ok a');
    await eventually(() => link.count()).toBe(1);
    const id = (await link.textContent()) ?? '';
    await eventually(() => statusOf(id)).toBe('SUCCEEDED');
    await page.close();
  });

  it('lists a schedule with its next run, and runs it now', async () => {
    const page = await open(console.url, '/#/schedules');
    const schedule = page.locator('[data-schedule="nightly-noop"]');
    await eventually(() => schedule.count()).toBe(1);
    const now = new Date();
    const today3 = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 3);
    const expected = today3 > now.getTime() ? today3 : today3 + 86_400_000;
    expect(await schedule.locator('[data-next-run]').getAttribute('data-next-run')).toBe(
      new Date(expected).toISOString(),
    );
    await schedule.getByRole('button', { name: 'Run now…' }).click();
    await schedule.getByRole('button', { name: 'Confirm' }).click();
    expect(await schedule.textContent()).toContain('noop on default');
    const status = schedule.getByRole('status');
    await eventually(() => status.textContent()).toMatch(/Sent task sched-nightly-noop-/);
    const id = /(sched-nightly-noop-\S+Z)/.exec((await status.textContent()) ?? '')?.[1] ?? '';
    expect(id).toMatch(/^sched-nightly-noop-\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    await eventually(() => statusOf(id)).toBe('SUCCEEDED');
    await page.screenshot({ path: join(shots, 'console-schedules.png'), fullPage: true });
    await page.close();
  });

  it('read-only: no action is shown, and an action sent anyway is refused', async () => {
    const id = await failedTask('readonly');
    const page = await open(readOnly.url, `/#/tasks/${encodeURIComponent(id)}`);
    await eventually(() => page.locator('h1.id').count()).toBe(1);
    await eventually(() => page.locator('.badge').first().textContent()).toBe('FAILED');
    expect(await page.getByRole('button', { name: 'Retry task…' }).count()).toBe(0);
    const answer = await page.evaluate(async (taskId) => {
      const session = (await (await fetch('/api/session')).json()) as { csrfToken: string };
      const r = await fetch(`/api/tasks/${encodeURIComponent(taskId)}/retry`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-taskpipe-csrf': session.csrfToken },
        body: '{}',
      });
      return { status: r.status, body: await r.text() };
    }, id);
    expect(answer.status).toBe(403);
    expect(answer.body).toContain('read_only');
    expect(await statusOf(id)).toBe('FAILED');
    await page.goto(new URL('/#/enqueue', readOnly.url).href);
    await eventually(() => page.getByText('This console is read-only').count()).toBe(1);
    await page.close();
  });

  it('refuses a cross-origin POST and a token-less POST, and nothing changes', async () => {
    const id = await failedTask('refused');
    healthy.add('refused');
    const retryUrl = new URL(`/api/tasks/${encodeURIComponent(id)}/retry`, console.url).href;
    // Another origin on the same host (another port: the same site, so even a SameSite
    // cookie goes along): only the origin check stands in the way.
    healthy.add('attacker');
    const other = await open(hookUrl, '/hook/attacker');
    await other.evaluate(async (url) => {
      await fetch(url, {
        method: 'POST',
        mode: 'no-cors',
        credentials: 'include',
        headers: { 'content-type': 'text/plain' },
        body: '{}',
      }).catch(() => {});
    }, retryUrl);
    await eventually(async () =>
      (await auditEntries()).some((e) => e.outcome === 'refused: cross_origin'),
    ).toBe(true);
    // The console's own origin, with its session cookie but without the token.
    const own = await open(console.url, '/');
    const tokenless = await own.evaluate(async (url) => {
      await fetch('/api/session');
      const r = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      return { status: r.status, body: await r.text() };
    }, retryUrl);
    expect(tokenless.status).toBe(403);
    expect(tokenless.body).toContain('csrf_token');
    expect(await statusOf(id)).toBe('FAILED');
    await Promise.all([other.close(), own.close()]);
    expect(problems).toEqual([]);
  });
});
