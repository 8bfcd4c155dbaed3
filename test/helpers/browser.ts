import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

/** Debian's Chromium: the tests never download a browser. */
export const CHROMIUM = '/usr/bin/chromium';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/**
 * Why browser tests cannot run here, or undefined when they can. Under CI=true a missing
 * Chromium is an error (`.ci/run` installs it), never a skip.
 */
export function browserUnavailable(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const reason = `${CHROMIUM} is missing; install it with \`apt-get install -y chromium\``;
  if (process.env.CI) throw new Error(`${reason} (CI is set: browser tests are required there)`);
  process.stdout.write(`skipping browser tests: ${reason}\n`);
  return reason;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

/**
 * Where the tests write page screenshots: `TASKPIPE_SCREENSHOTS` (the docs use
 * `docs/images`), else a temporary folder.
 */
export async function screenshotDir(): Promise<string> {
  const dir = process.env.TASKPIPE_SCREENSHOTS
    ? resolve(process.env.TASKPIPE_SCREENSHOTS)
    : join(tmpdir(), 'taskpipe-screenshots');
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Polls until the assertion holds: 30 s by default, as the machine may be busy. */
export const eventually = <T>(read: () => T | Promise<T>, timeout = 30_000) =>
  expect.poll(read, { timeout, interval: 200 });

/** How far the page scrolls sideways, in CSS px: 0 or less when it fits its window. */
export function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    // The test program has no DOM types: the little of the window this reads.
    const w = globalThis as unknown as {
      innerWidth: number;
      document: { documentElement: { scrollWidth: number } };
    };
    return w.document.documentElement.scrollWidth - w.innerWidth;
  });
}
