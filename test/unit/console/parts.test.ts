import { describe, expect, it } from 'vitest';
import { matchRoute, ROUTES } from '../../../console/server/routes.js';
import { isLoopbackHost } from '../../../console/server/securityHeaders.js';
import { logsInsightsUrl } from '../../../console/server/sources/logsInsightsUrl.js';
import { MetricSeries } from '../../../local/MetricSeries.js';

describe('console routes', () => {
  it('matches a path with its parameter, decoded', () => {
    const match = matchRoute(ROUTES, 'GET', '/api/tasks/idem-a%3Ab');
    expect(match?.route.path).toBe('/api/tasks/:id');
    expect(match?.params).toEqual({ id: 'idem-a:b' });
    expect(matchRoute(ROUTES, 'GET', '/api/tasks')?.route.path).toBe('/api/tasks');
    expect(matchRoute(ROUTES, 'GET', '/api/tasks/')).toBeUndefined();
    expect(matchRoute(ROUTES, 'GET', '/api/nope')).toBeUndefined();
  });
});

describe('isLoopbackHost', () => {
  it('takes only loopback names with the right port', () => {
    expect(isLoopbackHost('127.0.0.1:4100', 4100)).toBe(true);
    expect(isLoopbackHost('localhost:4100', 4100)).toBe(true);
    expect(isLoopbackHost('[::1]:4100', 4100)).toBe(true);
    expect(isLoopbackHost('127.0.0.1:4101', 4100)).toBe(false);
    expect(isLoopbackHost('attacker.example:4100', 4100)).toBe(false);
    expect(isLoopbackHost(undefined, 4100)).toBe(false);
  });
});

describe('logsInsightsUrl', () => {
  it('opens the region and names the task, with no raw quote or bracket in the query', () => {
    const url = logsInsightsUrl('eu-west-1', 'idem-abc_1', '/aws/lambda/consumer');
    expect(url).toMatch(
      /^https:\/\/eu-west-1\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=eu-west-1#logsV2:logs-insights\$3FqueryDetail\$3D~\(/,
    );
    expect(url).toContain('idem-abc_1');
    expect(url).toContain("~source~(~'*2Faws*2Flambda*2Fconsumer)");
    const editor = /editorString~'([^~]*)/.exec(url)?.[1] ?? '';
    expect(decodeURIComponent(editor.replace(/\*/g, '%'))).toBe(
      'fields @timestamp, level, message, taskId\n| filter taskId = "idem-abc_1"\n| sort @timestamp asc',
    );
  });
});

describe('MetricSeries', () => {
  it('buckets outcomes and duration percentiles over its window', () => {
    let now = 1_000_000;
    const series = new MetricSeries(10_000, 60_000, () => now);
    for (let ms = 1; ms <= 100; ms++)
      series.record({ type: 'noop', outcome: 'succeeded', durationMs: ms });
    series.record({ type: 'noop', outcome: 'failed' });
    series.record({ type: 'noop', outcome: 'retried' });
    now += 10_000;
    series.record({ type: 'noop', outcome: 'poison' });
    const points = series.points();
    expect(points).toHaveLength(6);
    expect(points.at(-2)).toEqual({
      start: 1_000_000,
      succeeded: 100,
      failed: 1,
      p50: 50,
      p95: 95,
      p99: 99,
    });
    expect(points.at(-1)).toEqual({ start: 1_010_000, succeeded: 0, failed: 1 });
    now += 60_000;
    expect(series.points().every((p) => p.succeeded === 0 && p.failed === 0)).toBe(true);
  });
});
