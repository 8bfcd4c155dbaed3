import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocal, type Target } from '../../cli/target.js';
import { startLocalConsole } from '../../console/server/startLocalConsole.js';
import type { TaskStatus } from '../../functions/core/status.js';
import {
  callbackId,
  followUpId,
  memberId,
  nextStepId,
} from '../../functions/core/workflow/workflowIds.js';
import { LocalPipeline } from '../../local/LocalPipeline.js';
import {
  browserUnavailable,
  eventually,
  launchBrowser,
  screenshotDir,
  sidewaysOverflow,
} from '../helpers/browser.js';
import { pollUntil } from '../helpers/poll.js';

const skip = browserUnavailable();

const noop = { type: 'noop', payload: {} };
/** More members than the page shows (25), so the members page in two. */
const MEMBERS = 27;
/** The member sent to the hook, which refuses it: the group ends with one failure. */
const FAILING = 3;

// The group page as an operator uses it: groups and a chain run on a local pipeline, and
// Debian's Chromium reads them through the console.
describe.skipIf(skip)('the console group page in a browser', { timeout: 120_000 }, () => {
  let pipeline: LocalPipeline;
  let target: Target;
  let browser: Browser;
  let shots: string;
  let hook: Server;
  let hookUrl: string;
  let console: { url: string; close(): Promise<void> };
  /** The group that ran to its end, with one failed member. */
  let groupId: string;
  const problems: string[] = [];

  beforeAll(async () => {
    // Answers 400 to everything: a permanent failure for the http.post member.
    hook = createServer((req, res) => {
      req.resume();
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{}');
    });
    await new Promise<void>((done) => hook.listen(0, '127.0.0.1', done));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    [pipeline, browser, shots] = await Promise.all([
      LocalPipeline.start({ ports: { api: 0, sqs: 0, dynamodb: 0 }, logLevel: 'SILENT' }),
      launchBrowser(),
      screenshotDir(),
    ]);
    target = openLocal(pipeline.info);
    console = await startLocalConsole(pipeline, { port: 0, readOnly: true });
    const tasks = Array.from({ length: MEMBERS }, (_, i) =>
      i === FAILING ? { type: 'http.post', payload: { url: hookUrl, body: { i } } } : noop,
    );
    // The hook refuses the group's callback too: its http.post ends FAILED.
    groupId = (
      await post('/groups', {
        tasks,
        onComplete: noop,
        onSuccess: noop,
        callback: { url: hookUrl },
      })
    ).groupId;
    await pollUntil(
      () => statusOf(followUpId(groupId, 'complete')),
      (status) => status === 'SUCCEEDED',
      { timeoutMs: 60_000, intervalMs: 200, what: "the group's onComplete task succeeding" },
    );
  }, 120_000);
  afterAll(async () => {
    await Promise.all([console?.close(), browser?.close()]);
    target?.close();
    await pipeline?.stop();
    await new Promise((done) => hook?.close(done));
  });

  /** A request to the pipeline's HTTP API, as a producer sends it. */
  async function post(path: string, body: unknown) {
    const response = await fetch(`${pipeline.info.apiUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status, await response.clone().text()).toBeLessThan(300);
    return (await response.json()) as { groupId: string; taskId: string };
  }

  const statusOf = async (id: string): Promise<TaskStatus | undefined> => {
    try {
      return (await target.service.get(id)).status;
    } catch {
      return undefined;
    }
  };

  async function open(path: string, width = 1280): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    page.once('close', () => {
      context.close().catch(() => {});
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (/Content.Security.Policy|Refused to/i.test(m.text())) problems.push(`csp: ${m.text()}`);
    });
    await page.goto(new URL(path, console.url).href);
    return page;
  }

  const groupPage = (id: string) => `/#/groups/${encodeURIComponent(id)}`;
  const rows = (page: Page) => page.locator('tbody tr[data-member]');
  const memberIndexes = async (page: Page) =>
    (await rows(page).evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-member')))).map(
      Number,
    );

  it('shows counts, progress and follow-ups, and pages the members', async () => {
    const page = await open(groupPage(groupId));
    await eventually(() => rows(page).count()).toBe(25);
    const count = (key: string) => page.locator(`[data-count="${key}"]`).textContent();
    expect(await count('succeeded')).toBe(String(MEMBERS - 1));
    expect(await count('failed')).toBe('1');
    expect(await count('pending')).toBe('0');
    expect(await page.locator('[data-group-state]').textContent()).toBe('SEALED');
    const bar = page.getByRole('progressbar', { name: 'Members ended' });
    expect(await bar.getAttribute('aria-valuenow')).toBe('100');
    expect(await bar.getAttribute('aria-valuetext')).toBe(
      `${MEMBERS} of ${MEMBERS} members ended (100%)`,
    );
    expect(await page.locator('[data-progress]').textContent()).toBe(
      `${MEMBERS} of ${MEMBERS} members ended (100%)`,
    );
    const complete = page.locator('[data-follow-up="complete"]');
    expect(await complete.getByRole('link').textContent()).toBe(followUpId(groupId, 'complete'));
    expect(await complete.locator('.badge').textContent()).toBe('SUCCEEDED');
    expect(await page.locator('[data-follow-up="success"]').textContent()).toContain(
      'will not run: 1 member failed or was cancelled',
    );
    const callback = page.locator('[data-callback]');
    expect(await callback.getByRole('link').textContent()).toBe(callbackId(groupId));
    await eventually(() => callback.locator('.badge').textContent()).toBe('FAILED');
    const failed = page.locator(`tr[data-member="${FAILING}"]`);
    expect(await failed.locator('.badge').textContent()).toBe('FAILED');
    await page.screenshot({ path: join(shots, 'console-group.png'), fullPage: true });

    const { violations } = await new AxeBuilder({ page }).analyze();
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);

    expect(await memberIndexes(page)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    await page.getByRole('button', { name: 'Next page' }).click();
    await eventually(() => memberIndexes(page)).toEqual([25, 26]);
    expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
    expect(await page.getByText(`Members 26–27 of ${MEMBERS}, by index.`).count()).toBe(1);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await eventually(() => rows(page).count()).toBe(25);
    expect((await memberIndexes(page))[0]).toBe(0);

    // The follow-up's link opens its task.
    await complete.getByRole('link').click();
    await eventually(() => page.locator('h1.id').textContent()).toBe(
      followUpId(groupId, 'complete'),
    );
    await page.close();
  });

  it('links a member to its task page, and the task back to its group', async () => {
    const page = await open(groupPage(groupId));
    const member = memberId(groupId, FAILING);
    await page.getByRole('link', { name: member, exact: true }).click();
    await eventually(() => page.locator('h1.id').textContent()).toBe(member);
    expect(await page.locator('.badge').first().textContent()).toBe('FAILED');
    const back = page.locator('[data-link="group"]');
    expect(await back.textContent()).toBe(groupId);
    await back.click();
    await eventually(() => page.locator('[data-group-state]').textContent()).toBe('SEALED');
    await page.close();
  });

  it("follows a chain's steps from the first to the last and back", async () => {
    const { taskId: first } = await post('/tasks', { ...noop, next: [noop, noop] });
    const second = nextStepId(first);
    const third = nextStepId(second);
    await eventually(() => statusOf(third)).toBe('SUCCEEDED');
    const page = await open(`/#/tasks/${encodeURIComponent(first)}`);
    const heading = () => page.locator('h1.id').textContent();
    await eventually(heading).toBe(first);
    expect(await page.locator('[data-link="previous"]').count()).toBe(0);
    await page.locator('[data-link="next"]').click();
    await eventually(heading).toBe(second);
    expect(await page.locator('[data-link="previous"]').textContent()).toBe(first);
    await page.screenshot({ path: join(shots, 'console-task-chain.png') });
    await page.locator('[data-link="next"]').click();
    await eventually(heading).toBe(third);
    expect(await page.locator('[data-link="next"]').count()).toBe(0);
    await page.locator('[data-link="previous"]').click();
    await eventually(heading).toBe(second);
    await page.close();
  });

  it('refreshes an open group live until its seal fires the follow-up', async () => {
    const { groupId: openGroup } = await post('/groups', {
      tasks: [noop, noop],
      seal: false,
      onComplete: noop,
    });
    const page = await open(groupPage(openGroup));
    let navigations = 0;
    page.on('framenavigated', () => navigations++);
    const state = page.locator('[data-group-state]');
    await eventually(() => state.textContent()).toBe('OPEN');
    expect(await page.locator('[data-follow-up="complete"]').textContent()).toContain(
      'runs once every member ended',
    );
    await post(`/groups/${encodeURIComponent(openGroup)}/seal`, { total: 2 });
    await eventually(() => state.textContent()).toBe('SEALED');
    await eventually(() => page.locator('[data-follow-up="complete"] .badge').textContent()).toBe(
      'SUCCEEDED',
    );
    expect(await page.locator('[data-progress]').textContent()).toBe('2 of 2 members ended (100%)');
    expect(navigations).toBe(0);
    await page.close();
  });

  it('says when no group has the id, and opens one from the look-up box', async () => {
    const page = await open(groupPage('01ARZ3NDEKTSV4RRFFQ69G5FAV'));
    await eventually(() => page.getByRole('status').textContent()).toContain(
      'No group has this id',
    );
    const tasks = await open('/#/tasks');
    await tasks.getByLabel('Group id').fill(groupId);
    await tasks.getByRole('button', { name: 'Open group' }).click();
    await eventually(() => tasks.locator('[data-group-state]').textContent()).toBe('SEALED');
    expect(tasks.url()).toContain(groupPage(groupId));
    await Promise.all([page.close(), tasks.close()]);
  });

  it('fits a 390 px window without sideways scrolling', async () => {
    const page = await open(groupPage(groupId), 390);
    await eventually(() => rows(page).count()).toBe(25);
    const overflow = await sidewaysOverflow(page);
    expect(overflow, `the group page scrolls sideways by ${overflow} px`).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(shots, 'console-narrow-group.png') });
    await page.close();
  });

  it('reported no script error or CSP violation on any page', () => {
    expect(problems).toEqual([]);
  });
});
