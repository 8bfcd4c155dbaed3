import { afterEach, describe, expect, it, vi } from 'vitest';
import { PowertoolsTaskMetrics } from '../../../functions/adapters/metrics/PowertoolsTaskMetrics.js';

/** Captures EMF documents written to stdout. */
function captureEmf(): { docs: () => Record<string, unknown>[] } {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  return {
    docs: () =>
      lines
        .flatMap((l) => l.split('\n'))
        .filter((l) => l.includes('_aws'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('PowertoolsTaskMetrics', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes one EMF document per task type with its outcomes, duration and queue wait', () => {
    const out = captureEmf();
    const metrics = new PowertoolsTaskMetrics({ namespace: 'TaskpipeTest', serviceName: 'svc' });

    metrics.record({ type: 'http.post', outcome: 'started', queueWaitMs: 40 });
    metrics.record({ type: 'http.post', outcome: 'succeeded', durationMs: 12 });
    metrics.record({ type: 'http.post', outcome: 'started', queueWaitMs: 60 });
    metrics.record({ type: 'http.post', outcome: 'retried' });
    metrics.record({ type: 'logs.summarize', outcome: 'poison' });
    metrics.flush();

    const docs = out.docs();
    const http = docs.find((d) => d.TaskType === 'http.post');
    const logs = docs.find((d) => d.TaskType === 'logs.summarize');
    expect(http).toMatchObject({ TasksSucceeded: 1, TasksRetried: 1, TaskDuration: 12 });
    expect(http?.QueueWait).toEqual([40, 60]);
    expect(logs).toMatchObject({ TasksPoison: 1 });
    type Emf = { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] } };
    const directive = (http as Emf | undefined)?._aws.CloudWatchMetrics[0];
    expect(directive?.Namespace).toBe('TaskpipeTest');
    expect(directive?.Dimensions[0]).toContain('TaskType');
  });

  it('writes each breaker move at once as its own line, the key a property and not a dimension', () => {
    const out = captureEmf();
    const metrics = new PowertoolsTaskMetrics({ namespace: 'TaskpipeTest', serviceName: 'svc' });

    metrics.breakerMoved({ key: 'host:a.example', move: 'opened' });
    metrics.breakerMoved({ key: 'host:b.example', move: 'closed' });

    const docs = out.docs();
    expect(docs).toHaveLength(2);
    expect(docs[0]).toMatchObject({ BreakerOpened: 1, breaker: 'host:a.example', service: 'svc' });
    expect(docs[1]).toMatchObject({ BreakerClosed: 1, breaker: 'host:b.example' });
    type Emf = { _aws: { CloudWatchMetrics: { Dimensions: string[][] }[] } };
    const dimensions = (docs[0] as Emf)._aws.CloudWatchMetrics[0]?.Dimensions.flat();
    expect(dimensions).toEqual(['service']);
    expect(docs[0]).not.toHaveProperty('BreakerClosed');
  });
});
