import { describe, expect, it } from 'vitest';
import { FEATURES } from '../../bench/featureRequests.js';
import { renderReport } from '../../bench/report.js';
import { runBench, SMOKE_SIZES } from '../../bench/runBench.js';

// Keeps `npm run bench` working: tiny sizes, the result's shape only, never a timing.
describe('bench (smoke)', () => {
  it('measures every part and renders the table', { timeout: 180_000 }, async () => {
    const results = await runBench(SMOKE_SIZES);

    expect(results.requests).toHaveLength(21);
    for (const row of results.requests) {
      for (const value of Object.values(row.perTask)) expect(value).toBeTypeOf('number');
      expect(row.perTask.consumerInvocations).toBeGreaterThan(0);
    }
    const ours = results.requests.filter((r) => r.variant === 'ours');
    expect(ours.every((r) => r.perTask.consumerSqsCalls === 0)).toBe(true);
    expect(results.costs.every((c) => Number.isFinite(c.total))).toBe(true);
    expect(results.consumerTime.map((t) => t.batchSize)).toContain(10);
    expect(results.coldStart.map((c) => c.name)).toEqual(
      expect.arrayContaining(['consumer', 'api', 'empty handler']),
    );
    expect(results.coldStart.every((c) => c.kb > 0 && Number.isFinite(c.initMs))).toBe(true);
    expect(results.throughput.tasks).toBe(SMOKE_SIZES.throughputTasks);
    expect(results.goals.every((g) => typeof g.met === 'boolean')).toBe(true);

    const report = renderReport(results);
    expect(report).toMatch(/^\| goal +\| this run/m);
    expect(report).toContain('Dollars per million');
    // Counted, not assumed: the lower levels' rows come from their own runs.
    const sqsBatch = (variant: string) =>
      results.requests.find((r) => r.variant === variant && r.path === 'sqs' && r.mode === 'batch')
        ?.perTask;
    expect(sqsBatch('ours')).toMatchObject({ ddbWrites: 2, ddbReads: 0 });
    // Sent by the TaskClient, a first delivery has no row to read at the lower levels.
    expect(sqsBatch('oursTerminal')).toMatchObject({ ddbWrites: 1, ddbReads: 0 });
    expect(sqsBatch('oursFailures')).toMatchObject({ ddbWrites: 0, ddbReads: 0 });
    // Through the API the row exists, so the read stays.
    const viaApi = results.requests.find(
      (r) => r.variant === 'oursFailures' && r.path === 'api' && r.mode === 'batch',
    );
    expect(viaApi?.perTask).toMatchObject({ ddbWrites: 2, ddbReads: 1 });
    expect(results.goals.map((g) => g.goal)).toEqual(
      expect.arrayContaining([
        'SQS-direct batch $/M: failures / floor',
        'SQS-direct batch $/M: terminal',
        'SQS-direct batch $/M: full / Powertools',
      ]),
    );
    expect(results.tracking.map((t) => t.level)).toEqual(['full', 'terminal', 'failures']);
    // Groups: a member pays its leaf update (and a share of its group's); a plain task pays
    // nothing more when groups are configured.
    expect(results.groups.plainPerTaskWithGroups).toBe(results.groups.plainPerTask);
    expect(results.groups.extraPerMember).toBeGreaterThanOrEqual(1);
    expect(results.groups.extraPerMember).toBeLessThan(1.2);
    expect(results.groups.perFollowUp).toBeGreaterThan(results.groups.plainPerTask);
    expect(report).toContain('**Groups**');
    // Features in use: counted per feature against plain tasks of the same run.
    const feature = (name: string) => results.features.find((f) => f.feature === name)!;
    const plain = feature('plain').perTask;
    expect(results.features).toHaveLength(FEATURES.length);
    expect(plain).toMatchObject({ ddbWrites: 2, consumerSqsCalls: 0 });
    // A closed breaker and an ended pause: no write, no send, only cached reads.
    for (const name of ['closed breaker', 'paused, then resumed']) {
      expect(feature(name).perTask).toMatchObject({ ddbWrites: 2, consumerSqsCalls: 0 });
      expect(feature(name).perTask.ddbReads).toBeLessThan(0.5);
    }
    // A slot of its own per key: taken and given back, two writes more than plain.
    expect(feature('keyed concurrency, a key per task').perTask.ddbWrites).toBe(4);
    expect(feature('rate-limited').perTask.ddbWrites).toBeGreaterThan(2);
    expect(feature('group member').perTask.ddbWrites).toBeGreaterThan(3);
    expect(feature('group member').cost.total).toBeGreaterThan(feature('plain').cost.total);
    expect(report).toContain('**Features in use**');
    // Write units follow the item's size: a no-op row stays at one unit per write, and a
    // 4 KB payload costs its own units once, not on every status write.
    const apiBatch = (payloadBytes: number) =>
      results.requests.find(
        (r) =>
          r.variant === 'ours' &&
          r.path === 'api' &&
          r.mode === 'batch' &&
          r.payloadBytes === payloadBytes,
      )?.perTask;
    expect(apiBatch(0)).toMatchObject({ ddbWrites: 3, ddbWriteUnits: 3 });
    expect(apiBatch(4_096)).toMatchObject({ ddbWrites: 4, ddbWriteUnits: 8 });
    expect(JSON.parse(JSON.stringify(results))).toEqual(results);
  });
});
