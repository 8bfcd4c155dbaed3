import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Target } from '../../cli/target.js';
import { osUser } from '../../console/server/actions/identity.js';
import { ConsoleServer } from '../../console/server/ConsoleServer.js';
import type { Observations } from '../../console/server/Observations.js';
import {
  browserUnavailable,
  eventually,
  launchBrowser,
  screenshotDir,
} from '../helpers/browser.js';
import { type StartedRuntime, startRuntime } from '../helpers/npmStart.js';

const skip = browserUnavailable();

/** What a hostile sender puts in a message: markup that would run if rendered as HTML. */
const HOSTILE_SUBJECT =
  'Hi <img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
const HOSTILE_HTML =
  '<p>Order shipped</p><img src=x onerror="window.__pwned=3"><script>window.__pwned=4</script>';

// The outbox page as a user meets it: `npm start`, an email.send task, a real Chromium.
describe.skipIf(skip)('console outbox page in a browser', { timeout: 180_000 }, () => {
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

  async function open(url: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
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
    await page.goto(url);
    return page;
  }

  it('lists a sent email and shows it, hostile markup as text', async () => {
    const response = await fetch(`${runtime.apiUrl}/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'email.send',
        payload: {
          from: 'Shop <orders@shop.example>',
          to: 'ada@example.com',
          subject: HOSTILE_SUBJECT,
          text: 'Your order shipped.\nThanks!',
          html: HOSTILE_HTML,
        },
      }),
    });
    expect(response.status, await response.clone().text()).toBeLessThan(300);
    const { taskId } = (await response.json()) as { taskId: string };

    const page = await open(new URL('/#/outbox', runtime.consoleUrl).href);
    const row = page.locator('tr[data-message]', { hasText: taskId });
    await eventually(() => row.count()).toBe(1);
    expect(await row.locator('td').nth(1).textContent()).toBe('Shop <orders@shop.example>');
    expect(await row.locator('td').nth(2).textContent()).toBe('ada@example.com');
    expect(await row.locator('td').nth(3).textContent()).toBe(HOSTILE_SUBJECT);
    expect(await row.locator('td').nth(4).textContent()).toBe(taskId);
    // The subject is a text node: no element came from it.
    expect(await page.locator('main img, main script').count()).toBe(0);
    await page.screenshot({ path: join(shots, 'console-outbox.png'), fullPage: true });

    await row.locator('td').nth(3).locator('a').click();
    await eventually(() => page.locator('[data-part="html"]').count()).toBe(1);
    expect(await page.locator('#email-title').textContent()).toBe(HOSTILE_SUBJECT);
    expect(await page.locator('[data-part="text"]').textContent()).toBe(
      'Your order shipped.\nThanks!',
    );
    expect(await page.locator('[data-part="html"]').textContent()).toBe(HOSTILE_HTML);
    expect(
      await page.locator('main img, main script, main p:text-is("Order shipped")').count(),
    ).toBe(0);
    await page.screenshot({ path: join(shots, 'console-outbox-email.png'), fullPage: true });

    // No handler ran, no policy was broken, no dialog opened.
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(problems).toEqual([]);
    await page.close();
  });

  it('says an unknown message is not in the outbox', async () => {
    const page = await open(
      new URL('/#/outbox/01ARZ3NDEKTSV4RRFFQ69G5FAV', runtime.consoleUrl).href,
    );
    await eventually(() => page.locator('[role="status"]').textContent()).toContain(
      'No email 01ARZ3NDEKTSV4RRFFQ69G5FAV in the outbox',
    );
    await page.close();
  });

  it('says there is no outbox when the console reads a deployed stack', async () => {
    // As serveStackConsole builds it: a target and observations, and no outbox.
    const target = {
      kind: 'stack',
      where: 'stack Shop',
      region: 'eu-west-1',
      registry: { types: [] },
      routes: [],
    } as unknown as Target;
    const server = await ConsoleServer.start(
      { target, observations: {} as Observations },
      { port: 0, readOnly: true, audit: { identity: osUser } },
    );
    try {
      const page = await open(new URL('/#/outbox', server.url).href);
      await eventually(() => page.locator('[data-outbox="none"]').count()).toBe(1);
      expect(await page.locator('[data-outbox="none"]').textContent()).toContain('No outbox');
      await page.close();
    } finally {
      await server.close();
    }
  });
});
