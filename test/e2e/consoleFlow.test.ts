import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocal, type Target } from '../../cli/target.js';
import { startLocalConsole } from '../../console/server/startLocalConsole.js';
import type { AuditEntry } from '../../console/shared/api.js';
import { LocalPipeline } from '../../local/LocalPipeline.js';
import {
  browserUnavailable,
  eventually,
  launchBrowser,
  screenshotDir,
  sidewaysOverflow,
} from '../helpers/browser.js';

const skip = browserUnavailable();

const HOST_KEY = 'host:api.example.com';

// The flow page as an operator uses it: a local pipeline, its console, and Chromium pausing
// and resuming a type and opening and closing a breaker, checked against what the CLI reads.
describe.skipIf(skip)('the console flow page in a browser', { timeout: 120_000 }, () => {
  let pipeline: LocalPipeline;
  /** The CLI's target over the same table: what `taskpipe stats` would show. */
  let cli: Target;
  let browser: Browser;
  let shots: string;
  let console: { url: string; close(): Promise<void> };
  let readOnly: { url: string; close(): Promise<void> };
  const auditFile = join(tmpdir(), `taskpipe-flow-audit-${process.pid}-${Date.now()}.jsonl`);
  const problems: string[] = [];

  beforeAll(async () => {
    [pipeline, browser, shots] = await Promise.all([
      LocalPipeline.start({ ports: { api: 0, sqs: 0, dynamodb: 0 }, logLevel: 'SILENT' }),
      launchBrowser(),
      screenshotDir(),
    ]);
    cli = openLocal(pipeline.info);
    console = await startLocalConsole(pipeline, { port: 0, auditFile });
    readOnly = await startLocalConsole(pipeline, { port: 0, readOnly: true });
  }, 120_000);
  afterAll(async () => {
    await Promise.all([console?.close(), readOnly?.close(), browser?.close()]);
    cli?.close();
    await pipeline?.stop();
    await rm(auditFile, { force: true });
  });

  async function open(base: string, path: string, width = 1280): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    page.once('close', () => {
      context.close().catch(() => {});
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (/Content.Security.Policy|Refused to/i.test(m.text())) problems.push(`csp: ${m.text()}`);
    });
    await page.goto(new URL(path, base).href);
    return page;
  }

  async function audit(): Promise<AuditEntry[]> {
    const text = await readFile(auditFile, 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AuditEntry);
  }

  const typePause = async (type: string) =>
    (await cli.flow.status()).pauses.types.find((p) => p.name === type);
  const breakerState = async (key: string) =>
    (await cli.flow.status()).breakers.find((b) => b.key === key)?.state;
  /** A paused type and an open breaker, set through the CLI's code (a no-op when in force). */
  const somethingHeld = async () => {
    await cli.flow.pause({ type: 'email.send' }, 'os-user:ops');
    await cli.flow.openBreaker(HOST_KEY, 'os-user:ops');
  };

  it('pauses a task type and resumes it, each after a confirmation', async () => {
    const page = await open(console.url, '/#/flow');
    const row = page.locator('[data-pauses="type"] [data-pause-row="noop"]');
    await eventually(() => row.getAttribute('data-paused')).toBe('no');
    await row.getByRole('button', { name: 'Pause noop…' }).click();
    const confirm = row.getByRole('group', { name: 'Confirm: Pause noop…' });
    expect(await confirm.textContent()).toContain('spending no attempt');
    expect(await confirm.textContent()).toMatch(/recorded as paused by os-user:/);
    // Nothing changes until it is confirmed.
    expect(await typePause('noop')).toBeUndefined();
    await page.screenshot({ path: join(shots, 'console-flow-confirm.png'), fullPage: true });
    await confirm.getByRole('button', { name: 'Confirm' }).click();
    await eventually(() => row.getAttribute('data-paused')).toBe('yes');
    expect(await row.getByRole('status').textContent()).toBe('Paused noop.');
    const pause = await typePause('noop');
    expect(pause?.by).toMatch(/^os-user:/);
    expect(await row.locator('td.who').textContent()).toBe(pause?.by);

    await row.getByRole('button', { name: 'Resume noop…' }).click();
    expect(await row.getByRole('group').textContent()).toContain(`by ${pause?.by}`);
    await row.getByRole('button', { name: 'Confirm' }).click();
    await eventually(() => row.getAttribute('data-paused')).toBe('no');
    expect(await typePause('noop')).toBeUndefined();
    const entries = (await audit()).filter((e) => e.target === 'type noop');
    expect(entries.map((e) => [e.action, e.count, e.outcome])).toEqual([
      ['flow.pause', 1, 'ok'],
      ['flow.resume', 1, 'ok'],
    ]);
    await page.close();
  });

  it('opens a breaker by its key and closes it', async () => {
    const page = await open(console.url, '/#/flow');
    await eventually(() => page.locator('[data-breakers]').count()).toBe(1);
    await page.getByLabel('Breaker key').fill(HOST_KEY);
    await page.getByRole('button', { name: `Open ${HOST_KEY}…` }).click();
    const ask = page.getByRole('group', { name: `Confirm: Open ${HOST_KEY}…` });
    expect(await ask.textContent()).toContain('until someone closes it');
    await ask.getByRole('button', { name: 'Confirm' }).click();
    const row = page.locator(`[data-breaker="${HOST_KEY}"]`);
    await eventually(() => row.getAttribute('data-state')).toBe('open');
    expect(await breakerState(HOST_KEY)).toBe('open');
    expect(await row.textContent()).toContain('held open until closed by hand');
    expect(await row.textContent()).toContain('0 of 0 in 60 s');

    // The page as the docs show it: a queue paused too (through the CLI's code).
    await cli.flow.pause({ queue: 'low' }, 'os-user:ops');
    await eventually(() => page.locator('[data-pause-row="low"]').getAttribute('data-paused')).toBe(
      'yes',
    );
    await page.screenshot({ path: join(shots, 'console-flow.png'), fullPage: true });
    await cli.flow.resume({ queue: 'low' });

    await row.getByRole('button', { name: `Close ${HOST_KEY}…` }).click();
    await row.getByRole('button', { name: 'Confirm' }).click();
    await eventually(() => row.getAttribute('data-state')).toBe('closed');
    expect(await breakerState(HOST_KEY)).toBe('closed');
    const actions = (await audit()).filter((e) => e.target === `breaker ${HOST_KEY}`);
    expect(actions.map((e) => e.action)).toEqual(['breaker.open', 'breaker.close']);
    await page.close();
  });

  it('sums up on the overview what is paused and which breakers are open', async () => {
    const page = await open(console.url, '/');
    const summary = page.locator('[data-flow-summary]');
    await eventually(() => summary.textContent()).toBe(
      'Flow control: nothing paused, no breaker open',
    );
    await cli.flow.pause({ type: 'email.send' }, 'os-user:ops');
    await cli.flow.pause({ queue: 'low' }, 'os-user:ops');
    await cli.flow.openBreaker(HOST_KEY, 'os-user:ops');
    await eventually(() => summary.textContent()).toBe('Flow control: 2 paused, 1 breaker open');
    await summary.getByRole('link').click();
    await eventually(() => page.getByRole('heading', { name: 'Flow', level: 1 }).count()).toBe(1);
    await page.close();
  });

  it('read-only: shows the state, with no button to change it', async () => {
    await somethingHeld();
    const page = await open(readOnly.url, '/#/flow');
    const row = page.locator('[data-pauses="type"] [data-pause-row="email.send"]');
    await eventually(() => row.getAttribute('data-paused')).toBe('yes');
    await eventually(() =>
      page.locator(`[data-breaker="${HOST_KEY}"]`).getAttribute('data-state'),
    ).toBe('open');
    expect(await page.getByRole('button', { name: /^(Pause|Resume|Open|Close) / }).count()).toBe(0);
    expect(await page.getByLabel('Breaker key').count()).toBe(0);
    expect(await page.getByRole('columnheader', { name: 'Action' }).count()).toBe(0);
    await page.close();
  });

  it('has no serious axe violations, with a confirmation open too', async () => {
    await somethingHeld();
    const page = await open(console.url, '/#/flow');
    await eventually(() => page.locator(`[data-breaker="${HOST_KEY}"]`).count()).toBe(1);
    await page.getByRole('button', { name: `Close ${HOST_KEY}…` }).click();
    const { violations } = await new AxeBuilder({ page }).analyze();
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
    await page.close();
  });

  it('fits a 390 px window without sideways scrolling', async () => {
    await somethingHeld();
    const page = await open(console.url, '/#/flow', 390);
    await eventually(() => page.locator(`[data-breaker="${HOST_KEY}"]`).count()).toBe(1);
    await page.getByRole('button', { name: 'Resume email.send…' }).click();
    const overflow = await sidewaysOverflow(page);
    expect(overflow, `the flow page scrolls sideways by ${overflow} px`).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(shots, 'console-narrow-flow.png'), fullPage: true });
    await page.close();
  });

  it('reported no script error or CSP violation', () => {
    expect(problems).toEqual([]);
  });
});
