/**
 * Draws dashboards/prometheus.json and dashboards/cloudwatch.json over real data, for the
 * screenshots in docs/observability.md: `npx tsx dashboards/render.ts`. It starts the local
 * runtime as `npm start` does, sends tasks that succeed, retry and fail, scrapes `/metrics`
 * every SCRAPE_MS, evaluates each panel's queries (dashboards/promql.ts) and draws the panels
 * with uPlot in Debian's Chromium.
 */
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { launchBrowser } from '../test/helpers/browser.js';
import { startRuntime } from '../test/helpers/npmStart.js';
import { screenshotDashboard } from './chartPage.js';
import { parseMetrics, type Scrape } from './promql.js';
import { cloudWatchView, prometheusView } from './views.js';

const SCRAPES = 30;
const SCRAPE_MS = 2_000;
const OUT = 'docs/images';

/** A receiver for `http.post`: `/ok` answers 200, `/flaky` every other call 503, `/down` 503. */
async function receiver() {
  let calls = 0;
  const server = createServer((req, res) => {
    calls++;
    const busy = req.url === '/down' || (req.url === '/flaky' && calls % 2 === 0);
    res.writeHead(busy ? 503 : 200, busy ? { 'retry-after': '1' } : {}).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function main(): Promise<void> {
  const target = await receiver();
  const runtime = await startRuntime();
  const browser = await launchBrowser();
  try {
    const metricsUrl = /Metrics {4}(http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(runtime.banner)?.[1];
    if (!metricsUrl) throw new Error(`no /metrics URL in the banner:\n${runtime.banner}`);
    const enqueue = async (body: object) => {
      const response = await fetch(`${runtime.apiUrl}/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (response.status !== 202) throw new Error(`enqueue: ${await response.text()}`);
    };
    const scrapes: Scrape[] = [];
    for (let i = 0; i < SCRAPES; i++) {
      // A changing mix: steady no-ops of growing length, bursts of flaky and failing calls.
      if (i < SCRAPES - 5) {
        for (let n = 0; n < 3; n++)
          await enqueue({ type: 'noop', payload: { sleepMs: 20 + i * 15 * n } });
        if (i % 4 === 1)
          await enqueue({
            type: 'http.post',
            payload: { url: `${target.url}/flaky`, body: { i } },
          });
        if (i % 6 === 3)
          await enqueue({
            type: 'http.post',
            maxAttempts: 2,
            payload: { url: `${target.url}/down`, body: { i } },
          });
      }
      scrapes.push(parseMetrics(await (await fetch(metricsUrl)).text(), Date.now()));
      await sleep(SCRAPE_MS);
    }
    for (const [name, view] of [
      ['prometheus', prometheusView],
      ['cloudwatch', cloudWatchView],
    ] as const) {
      const dashboard = JSON.parse(await readFile(`dashboards/${name}.json`, 'utf8'));
      const path = `${OUT}/dashboard-${name}.png`;
      await screenshotDashboard(browser, view(dashboard, scrapes), path);
      process.stdout.write(`wrote ${path}\n`);
    }
  } finally {
    await browser.close();
    await runtime.stop();
    target.server.close();
  }
}

await main();
