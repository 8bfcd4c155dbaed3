import { readFileSync } from 'node:fs';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConsoleContext } from '../../../console/server/ConsoleContext.js';
import { prometheusMetrics } from '../../../console/server/handlers/prometheus.js';
import { lastMinuteRegistry } from '../../../console/server/sources/cloudWatchPrometheus.js';
import { PowertoolsTaskMetrics } from '../../../functions/adapters/metrics/PowertoolsTaskMetrics.js';
import type { TaskMetrics } from '../../../functions/core/ports.js';
import { PrometheusMetrics } from '../../../local/prometheus/PrometheusMetrics.js';

interface Panel {
  type: string;
  title: string;
  targets?: { expr?: string; namespace?: string; metricName?: string; dimensions?: object }[];
}
const panels = (file: string): Panel[] =>
  (JSON.parse(readFileSync(`dashboards/${file}`, 'utf8')) as { panels: Panel[] }).panels.filter(
    (p) => p.type !== 'row',
  );

const OUTCOMES: Parameters<TaskMetrics['record']>[0]['outcome'][] = [
  'started',
  'attempted',
  'succeeded',
  'failed',
  'retried',
  'duplicate',
  'poison',
  'deferred',
];
const EVENTS = OUTCOMES.map((outcome) => ({ type: 'a', outcome, durationMs: 5, queueWaitMs: 5 }));

/** Every metric family the code serves on /metrics, locally and for a stack. */
async function prometheusFamilies(): Promise<Set<string>> {
  const local = new PrometheusMetrics();
  for (const event of EVENTS) local.record(event);
  // Unit test: the SDK clients are stubbed at their edge; the families are what matter.
  const noData = { send: async () => ({ Attributes: {}, Metrics: [] }) };
  const ctx = {
    target: { sqs: noData as unknown as SQSClient, routes: [] },
    observations: { alarms: async () => [], prometheus: async () => local.registry },
  } as unknown as ConsoleContext;
  const served = await prometheusMetrics(ctx);
  const stack = await lastMinuteRegistry(noData as unknown as CloudWatchClient);
  const names = [
    ...[...served.body.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!),
    ...(await stack.getMetricsAsJSON()).map((m) => m.name),
  ];
  return new Set(names);
}

/** The metric families a PromQL expression reads (histogram series map to their family). */
function familiesIn(expr: string): string[] {
  return [...expr.matchAll(/\btaskpipe_[a-z_]+/g)].map((m) =>
    m[0].replace(/_(bucket|sum|count)$/, ''),
  );
}

describe('the Prometheus dashboard', () => {
  it('queries only metrics the code serves, and charts every one of them', async () => {
    const served = await prometheusFamilies();
    const queried = new Set<string>();
    for (const panel of panels('prometheus.json')) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) {
        const families = familiesIn(target.expr ?? '');
        expect(families.length, `${panel.title}: ${target.expr}`).toBeGreaterThan(0);
        for (const family of families) {
          expect(served.has(family), `${panel.title} queries ${family}`).toBe(true);
          queried.add(family);
        }
      }
    }
    expect([...served].filter((name) => !queried.has(name))).toEqual([]);
  });
});

describe('the CloudWatch dashboard', () => {
  afterEach(() => vi.restoreAllMocks());

  /** The EMF the consumer writes for every outcome and breaker move: metric and dimension names. */
  function emitted(): { metrics: Set<string>; dimensions: Set<string> } {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const emf = new PowertoolsTaskMetrics({ namespace: 'Taskpipe', serviceName: 'taskpipe' });
    for (const event of EVENTS) emf.record(event);
    // Flow control's counts: one EMF line per breaker transition.
    emf.breakerMoved({ key: 'host:a.example', move: 'opened' });
    emf.breakerMoved({ key: 'host:a.example', move: 'closed' });
    emf.flush();
    vi.restoreAllMocks();
    type Doc = {
      _aws: { CloudWatchMetrics: { Metrics: { Name: string }[]; Dimensions: string[][] }[] };
    };
    const docs = lines
      .flatMap((l) => l.split('\n'))
      .filter((l) => l.includes('_aws'))
      .map((l) => JSON.parse(l) as Doc);
    const directives = docs.flatMap((d) => d._aws.CloudWatchMetrics);
    return {
      metrics: new Set(directives.flatMap((d) => d.Metrics.map((m) => m.Name))),
      dimensions: new Set(directives.flatMap((d) => d.Dimensions.flat())),
    };
  }

  // What SQS publishes for every queue, which the stack's alarms and dashboard read too.
  const SQS_METRICS = new Set([
    'ApproximateNumberOfMessagesVisible',
    'ApproximateNumberOfMessagesNotVisible',
    'ApproximateAgeOfOldestMessage',
  ]);

  it("queries only the consumer's EMF metrics and dimensions and SQS's own, and charts every EMF metric", () => {
    const emf = emitted();
    const queried = new Set<string>();
    for (const panel of panels('cloudwatch.json')) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) {
        const name = target.metricName ?? '';
        const where = `${panel.title}: ${target.namespace}/${name}`;
        if (target.namespace === 'AWS/SQS') {
          expect(SQS_METRICS.has(name), where).toBe(true);
          expect(Object.keys(target.dimensions ?? {}), where).toEqual(['QueueName']);
          continue;
        }
        expect(target.namespace, where).toBe('Taskpipe');
        expect(emf.metrics.has(name), where).toBe(true);
        for (const dim of Object.keys(target.dimensions ?? {})) {
          expect(emf.dimensions.has(dim), `${where} by ${dim}`).toBe(true);
        }
        queried.add(name);
      }
    }
    expect([...emf.metrics].filter((name) => !queried.has(name))).toEqual([]);
  });
});
