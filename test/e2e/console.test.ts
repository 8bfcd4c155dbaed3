import { join } from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClients } from '../../local/clients.js';
import {
  browserUnavailable,
  eventually,
  launchBrowser,
  screenshotDir,
  sidewaysOverflow,
} from '../helpers/browser.js';
import { type StartedRuntime, startRuntime } from '../helpers/npmStart.js';

const skip = browserUnavailable();

/** The little of the DOM the page scripts below read (the test program has no DOM types). */
interface BrowserWindow {
  document: {
    activeElement: { textContent: string | null } | null;
  };
}

// The console as a user meets it: `npm start`, then a real Chromium on the URL in the banner.
describe.skipIf(skip)('operator console in a browser', { timeout: 120_000 }, () => {
  let runtime: StartedRuntime;
  let browser: Browser;
  let shots: string;
  /** Problems the page reported: CSP violations, script errors, dialogs. */
  const problems: string[] = [];

  beforeAll(async () => {
    [runtime, browser, shots] = await Promise.all([
      startRuntime(),
      launchBrowser(),
      screenshotDir(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), runtime?.stop()]);
  });

  async function open(path: string, width = 1280): Promise<Page> {
    // A context per page: axe needs one, and no state carries over between pages.
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    page.once('close', () => {
      context.close().catch(() => {});
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    page.on('console', (m) => {
      if (/Content.Security.Policy|Refused to/i.test(m.text())) problems.push(`csp: ${m.text()}`);
    });
    await page.goto(new URL(path, runtime.consoleUrl).href);
    return page;
  }

  const enqueue = async (type: string, payload: unknown, extra: object = {}) => {
    const response = await fetch(`${runtime.apiUrl}/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type, payload, ...extra }),
    });
    expect(response.status, await response.clone().text()).toBeLessThan(300);
    return ((await response.json()) as { taskId: string }).taskId;
  };

  it('prints its loopback URL in the banner', () => {
    expect(runtime.banner).toMatch(/Console {4}http:\/\/127\.0\.0\.1:\d+\//);
  });

  it('shows tasks succeed live on the overview, without a reload', async () => {
    const page = await open('/');
    let navigations = 0;
    page.on('framenavigated', () => navigations++);
    await eventually(() => page.locator('[data-queue-visible="default"]').count()).toBe(1);
    const cell = page.locator('[data-count="noop:SUCCEEDED"]');
    // The row appears with the first task of the type.
    const succeeded = async () => ((await cell.count()) ? Number(await cell.textContent()) : 0);
    const before = await succeeded();
    for (let i = 0; i < 3; i++) await enqueue('noop', {});
    await eventually(succeeded, 20_000).toBeGreaterThanOrEqual(before + 3);
    expect(navigations).toBe(0);
    await eventually(() => page.locator('.uplot').count()).toBe(3);
    // The charts have points once the runtime's metrics count the ended tasks.
    await eventually(
      async () => Number(await page.locator('.charts').getAttribute('data-ended')),
      40_000,
    ).toBeGreaterThanOrEqual(3);
    await page.screenshot({ path: join(shots, 'console-overview.png'), fullPage: true });
    await page.close();
  });

  it('shows a task move to SUCCEEDED on the tasks page as it runs', async () => {
    const page = await open('/#/tasks');
    // Long enough that a refresh sees it before it ends.
    const id = await enqueue('noop', { sleepMs: 6_000 });
    const status = page.locator(`tr[data-task="${id}"] [data-status]`);
    const seen = async () =>
      (await status.count()) ? await status.getAttribute('data-status') : null;
    await eventually(seen, 20_000).toMatch(/QUEUED|RUNNING/);
    await eventually(seen, 20_000).toBe('SUCCEEDED');
    await page.screenshot({ path: join(shots, 'console-tasks.png'), fullPage: true });
    await page.close();
  });

  it("opens a failed task's timeline with its error", async () => {
    // Straight to SQS, with a payload the type's schema refuses: FAILED at once, no retry.
    const id = `bad-${Date.now()}`;
    const { sqs } = localClients({
      sqs: runtime.info.sqsEndpoint,
      dynamodb: runtime.info.dynamodbEndpoint,
    });
    const queue = runtime.info.queues.find((q) => q.priority === 'default')!;
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: JSON.stringify({
          v: 1,
          id,
          type: 'noop',
          payload: { sleepMs: -1 },
          priority: 'default',
          enqueuedAt: new Date().toISOString(),
        }),
      }),
    );
    sqs.destroy();
    const page = await open('/#/tasks?status=FAILED');
    const link = page.getByRole('link', { name: id });
    await eventually(() => link.count(), 20_000).toBe(1);
    await link.click();
    await eventually(() => page.locator('.event-failed').count()).toBe(1);
    const failed = await page.locator('.event-failed').textContent();
    expect(failed).toContain('failed for good on attempt 1');
    expect(failed).toContain('invalid_payload');
    expect(await page.locator('.event-enqueued').count()).toBe(1);
    await page.screenshot({ path: join(shots, 'console-task-failed.png'), fullPage: true });
    await page.close();
  });

  it("shows a retrying task's failure and the backoff before its next attempt", async () => {
    // Nothing listens on port 1: the POST fails and the task waits for its next attempt.
    const id = await enqueue('http.post', { url: 'http://127.0.0.1:1/hook', body: { n: 1 } });
    const page = await open(`/#/tasks/${id}`);
    // Each failed attempt is kept, with the backoff it set: one or more by now.
    await eventually(() => page.locator('.event-retry-scheduled').count(), 20_000).toBeGreaterThan(
      0,
    );
    expect(await page.locator('.event-failed').first().textContent()).toMatch(/attempt 1 failed/);
    expect(await page.locator('.event-retry-scheduled').first().textContent()).toMatch(
      /attempt 2 due after a backoff of \d+ s/,
    );
    await page.locator('.event-failed summary', { hasText: 'Stack' }).first().click();
    expect(await page.locator('.error-stack').first().textContent()).toContain('Error');
    await page.screenshot({ path: join(shots, 'console-task-retrying.png'), fullPage: true });
    await page.close();
  });

  it('renders hostile payloads as inert text and stays usable', async () => {
    const marks = [
      '<script>window.__pwned = "script"</script>',
      '"><img src=x onerror="window.__pwned = \'img\'">',
      'javascript:window.__pwned = "url"',
      '<a href="javascript:window.__pwned=1">click</a>',
    ];
    let nested: unknown = { bottom: marks[1] };
    // 64 levels of nesting in all, the deepest a payload may be.
    for (let i = 1; i < 63; i++) nested = { [`level${i}`]: nested };
    const big = 'A'.repeat(200_000);
    const payload = { [marks[0]!]: marks, url: marks[2], nested, big };
    const id = await enqueue('noop', payload);
    const page = await open(`/#/tasks/${id}`);
    await eventually(() => page.locator('.json').count(), 20_000).toBeGreaterThan(0);
    // Open every level, so the deepest markup is in the document too.
    for (let round = 0; round < 70; round++) {
      const closed = page.locator('details:not([open]) > summary');
      if ((await closed.count()) === 0) break;
      await closed.first().click();
    }
    const text = await page.locator('main').textContent();
    for (const mark of marks) expect(text).toContain(JSON.stringify(mark));
    expect(
      await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned),
    ).toBeUndefined();
    expect(await page.locator('main img, main script, main iframe').count()).toBe(0);
    const hrefs = await page
      .locator('a[href]')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    expect(hrefs.filter((h) => !h.startsWith('#'))).toEqual([]);
    await page.getByRole('button', { name: /show all 200,002 characters/ }).click();
    expect((await page.locator('main').textContent())?.length).toBeGreaterThan(200_000);
    await page.locator('h2', { hasText: 'Payload' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'console-hostile.png') });
    // Still usable: the navigation works.
    await page.getByRole('link', { name: 'Tasks', exact: true }).click();
    await eventually(() => page.getByRole('heading', { name: 'Tasks' }).count()).toBe(1);
    await page.close();
  });

  it('fits a 390 px window without sideways scrolling', async () => {
    for (const [name, path] of [
      ['overview', '/'],
      ['tasks', '/#/tasks'],
    ] as const) {
      const page = await open(path, 390);
      await expect
        .poll(() => page.locator('table tbody tr').count(), { timeout: 20_000 })
        .toBeGreaterThan(0);
      const overflow = await sidewaysOverflow(page);
      expect(overflow, `${name} scrolls sideways by ${overflow} px`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(shots, `console-narrow-${name}.png`), fullPage: true });
      await page.close();
    }
  });

  it('has no serious axe violations and works from the keyboard', async () => {
    for (const path of ['/', '/#/tasks']) {
      const page = await open(path);
      await expect
        .poll(() => page.locator('table tbody tr').count(), { timeout: 20_000 })
        .toBeGreaterThan(0);
      const { violations } = await new AxeBuilder({ page }).analyze();
      const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
      await page.close();
    }
    const page = await open('/');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(
      await page.evaluate(
        () => (globalThis as unknown as BrowserWindow).document.activeElement?.textContent,
      ),
    ).toBe('Tasks');
    await page.keyboard.press('Enter');
    await eventually(() => page.getByRole('heading', { name: 'Tasks' }).count()).toBe(1);
    await page.close();
  });

  it('reported no script error, dialog or CSP violation on any page', () => {
    expect(problems).toEqual([]);
  });
});
