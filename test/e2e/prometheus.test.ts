import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedRuntime, startRuntime } from '../helpers/npmStart.js';
import { promtoolCheck, promtoolUnavailable } from '../helpers/promtool.js';

const skip = promtoolUnavailable() !== undefined;

/** One sample's value in Prometheus text, or undefined if the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

// `npm start` as a user runs it, scraped at the URL its banner prints.
describe.skipIf(skip)('Prometheus /metrics of the local runtime', { timeout: 90_000 }, () => {
  let runtime: StartedRuntime;
  let metricsUrl: string;

  beforeAll(async () => {
    runtime = await startRuntime();
    metricsUrl = /Metrics {4}(http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(runtime.banner)?.[1] ?? '';
  }, 90_000);
  afterAll(() => runtime?.stop());

  const scrape = async () => {
    const response = await fetch(metricsUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text();
  };

  const enqueue = async (type: string, payload: unknown) => {
    const response = await fetch(`${runtime.apiUrl}/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type, payload }),
    });
    expect(response.status, await response.clone().text()).toBe(202);
  };

  it('prints the loopback URL in the banner', () => {
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
  });

  it('counts tasks, times them in seconds, and passes promtool check metrics', async () => {
    for (let i = 0; i < 3; i++) await enqueue('noop', { sleepMs: 20 });
    await expect
      .poll(
        async () => sample(await scrape(), 'taskpipe_tasks_total{type="noop",status="succeeded"}'),
        {
          timeout: 60_000,
        },
      )
      .toBe(3);

    const text = await scrape();
    const check = promtoolCheck(text);
    expect(check.output).toBe('');
    expect(check.status).toBe(0);
    // Three attempts, each of at least 20 ms: the histogram is in seconds, not milliseconds.
    expect(sample(text, 'taskpipe_task_duration_seconds_count{type="noop"}')).toBe(3);
    expect(sample(text, 'taskpipe_task_duration_seconds_bucket{le="0.01",type="noop"}')).toBe(0);
    expect(sample(text, 'taskpipe_task_duration_seconds_bucket{le="+Inf",type="noop"}')).toBe(3);
    expect(sample(text, 'taskpipe_task_duration_seconds_sum{type="noop"}')).toBeGreaterThanOrEqual(
      0.06,
    );
    expect(sample(text, 'taskpipe_task_queue_wait_seconds_count{type="noop"}')).toBe(3);
    expect(text).toContain('# TYPE taskpipe_task_retries_total counter');
  });

  it('reports each queue and dead-letter queue depth, and each alarm state', async () => {
    const text = await scrape();
    for (const priority of ['high', 'default', 'low']) {
      const series = text.split('\n').filter((l) => l.includes(`priority="${priority}"`));
      expect(series.map((l) => l.split('{')[0]).sort()).toEqual([
        'taskpipe_dlq_messages',
        'taskpipe_queue_messages',
        'taskpipe_queue_messages_delayed',
        'taskpipe_queue_messages_in_flight',
      ]);
    }
    const states = text.split('\n').filter((l) => l.startsWith('taskpipe_alarm_state{'));
    expect(states.length).toBeGreaterThan(0);
    // Exactly one state is current per alarm.
    const current = new Map<string, number>();
    for (const line of states) {
      const alarm = /alarm="([^"]+)"/.exec(line)?.[1] ?? '';
      current.set(alarm, (current.get(alarm) ?? 0) + Number(line.split(' ').at(-1)));
    }
    for (const [alarm, ones] of current) expect(ones, alarm).toBe(1);
  });
});
