import { mkdtemp } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalPipeline } from '../../local/LocalPipeline.js';
import { writeLocalState } from '../../local/stateFile.js';
import { listenOnLoopback } from '../helpers/backend.js';
import { promtoolCheck, promtoolUnavailable } from '../helpers/promtool.js';
import { deferred } from '../helpers/testTasks.js';
import { runCli } from './cliHarness.js';

interface Notice {
  kind?: string;
  name: string;
  title?: string;
  state: string;
  previousState: string;
  reason: string;
  runbook?: string;
  facts?: { label: string; value: string }[];
}

const KEY = 'host:api.example.com';

/** One sample's value in Prometheus text, or undefined if the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

// A breaker moved in the local runtime, as an operator moves it from the console or the
// API: its notice travels the local alarm path (topic, queue, notifier) to the webhook.
describe('breaker notices in the local runtime', () => {
  let pipeline: LocalPipeline;
  let server: Server;
  const notices: Notice[] = [];
  let nextNotice = deferred<Notice>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const notice = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Notice;
        notices.push(notice);
        nextNotice.resolve(notice);
        res.writeHead(200).end();
      });
    });
    const base = await listenOnLoopback(server);
    pipeline = await LocalPipeline.start({
      ports: { api: 0, sqs: 0, dynamodb: 0 },
      logLevel: 'SILENT',
      alarms: {
        // No alarm evaluation decides anything here: only breaker notices reach the hook.
        periodSeconds: 3600,
        webhook: { url: `${base}/alarms`, kind: 'generic' },
        print: () => undefined,
      },
    });
  });
  afterAll(async () => {
    await pipeline?.stop();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${pipeline.info.apiUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status, await response.clone().text()).toBeLessThan(300);
  };
  const scrape = () => pipeline.metrics.prometheus.registry.metrics();

  it('tells the webhook when an operator opens a breaker, and when they close it', async () => {
    await post(`/flow/breakers/${encodeURIComponent(KEY)}/open`, { by: 'alice' });
    const opened = await nextNotice.promise;

    expect(opened).toMatchObject({
      kind: 'circuit-breaker',
      name: `taskpipe breaker ${KEY}`,
      title: `Circuit breaker opened: ${KEY}`,
      state: 'ALARM',
      reason: `Opened by hand by alice. Tasks keyed to ${KEY} wait until someone closes it.`,
    });
    expect(opened.facts).toEqual(
      expect.arrayContaining([
        { label: 'Moved by', value: 'alice' },
        { label: 'Probing starts', value: 'when closed by hand' },
      ]),
    );
    expect(opened.runbook).toContain(`npx taskpipe breaker close ${KEY}`);
    expect(opened.runbook).toContain('docs/pause-and-breakers.md#when-a-breaker-opens-or-closes');
    expect(sample(await scrape(), `taskpipe_breaker_open{key="${KEY}"}`)).toBe(1);

    nextNotice = deferred<Notice>();
    await post(`/flow/breakers/${encodeURIComponent(KEY)}/close`, { by: 'bob' });
    const closed = await nextNotice.promise;

    expect(closed).toMatchObject({ title: `Circuit breaker closed: ${KEY}`, state: 'OK' });
    expect(notices.map((n) => n.title)).toEqual([
      `Circuit breaker opened: ${KEY}`,
      `Circuit breaker closed: ${KEY}`,
    ]);
    expect(sample(await scrape(), `taskpipe_breaker_open{key="${KEY}"}`)).toBe(0);
    expect(pipeline.metrics.counts.get('breaker:opened')).toBe(1);
    expect(pipeline.metrics.counts.get('breaker:closed')).toBe(1);
  });

  it('tells the webhook of a breaker the CLI opens, as the console does, through the state file', async () => {
    const stateFile = join(await mkdtemp(join(tmpdir(), 'taskpipe-breakers-')), 'local.json');
    await writeLocalState(pipeline.info, stateFile);
    nextNotice = deferred<Notice>();

    const cli = await runCli(['breaker', 'open', 'host:cli.example.com'], {
      TASKPIPE_STATE_FILE: stateFile,
    });
    expect(cli.code).toBe(0);
    const opened = await nextNotice.promise;

    expect(opened).toMatchObject({
      title: 'Circuit breaker opened: host:cli.example.com',
      state: 'ALARM',
    });
  });

  it('serves paused queues and types as taskpipe_paused, which promtool accepts', async () => {
    await post('/flow/pauses', { type: 'noop', by: 'ann' });
    await post('/flow/pauses', { queue: 'low', by: 'ann' });

    const text = await scrape();

    expect(sample(text, 'taskpipe_paused{scope="type",name="noop"}')).toBe(1);
    expect(sample(text, 'taskpipe_paused{scope="queue",name="low"}')).toBe(1);
    if (promtoolUnavailable() === undefined) {
      const check = promtoolCheck(text);
      expect(check.output).toBe('');
      expect(check.status).toBe(0);
    }
  });
});
