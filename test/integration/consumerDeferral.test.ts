import { beforeEach, expect, it } from 'vitest';
import { DynamoDeferralLog } from '../../functions/adapters/dynamodb/DynamoDeferralLog.js';
import type {
  Admission,
  AdmissionRequest,
  GateFactory,
} from '../../functions/core/consumer/admission/types.js';
import {
  buildConsumer,
  createPipeline,
  deliver,
  depth,
  envelope,
  type Pipeline,
  send,
} from '../helpers/consumerHarness.js';
import { describeOnEachBackend } from '../helpers/eachBackend.js';
import { runs, testRegistry } from '../helpers/testTasks.js';

/** A gate for `test.ok` that defers a task `times` times, then lets it run. */
function deferringGate(times: number, calls: AdmissionRequest[], released: string[]): GateFactory {
  return (definition) =>
    definition.type !== 'test.ok'
      ? undefined
      : {
          name: 'test_gate',
          admit: async (request): Promise<Admission> => {
            calls.push(request);
            if (request.deferrals < times) {
              return {
                kind: 'defer',
                delayMs: 1_000,
                reason: 'test_gate',
                detail: { limit: 1, nextAt: request.now + 1_000 },
              };
            }
            return { kind: 'run', release: async () => void released.push(request.taskId) };
          },
        };
}

// The one deferral mechanism (DESIGN §11): a delayed copy, the original acknowledged.
describeOnEachBackend('deferral by re-send', (current) => {
  let p: Pipeline;
  beforeEach(async () => {
    p = await createPipeline(current());
  });

  function consumer(times: number, calls: AdmissionRequest[], released: string[]) {
    return buildConsumer(p, testRegistry, {
      gates: [deferringGate(times, calls, released)],
      deferrals: new DynamoDeferralLog({ client: p.backend.dynamodb, tableName: p.tableName }),
    });
  }

  it('defers without an attempt or a receive, then runs once', async () => {
    const calls: AdmissionRequest[] = [];
    const released: string[] = [];
    const c = consumer(2, calls, released);
    const task = envelope('test.ok', { n: 2 });
    await send(p.backend.sqs, p.standard, task);

    const first = await deliver(p, p.standard, c);
    expect(first.failedIds).toEqual([]);
    const waiting = await p.store.get(task.id);
    expect(waiting).toMatchObject({
      status: 'QUEUED',
      attempts: 0,
      deferrals: 1,
      waiting: { reason: 'test_gate', detail: { limit: 1 } },
    });
    expect(waiting?.waiting?.until).toBeGreaterThan(waiting?.waiting?.at ?? Number.NaN);

    // The copy comes back as a new message: its receive count starts again at 1.
    const second = await deliver(p, p.standard, c, { waitSeconds: 5, emptyPolls: 3 });
    const record = second.event.Records[0];
    expect(record?.attributes.ApproximateReceiveCount).toBe('1');
    expect(record?.messageAttributes['taskpipe.deferrals']?.stringValue).toBe('1');
    expect(record?.messageAttributes['taskpipe.deferred-reason']?.stringValue).toBe('test_gate');
    expect(second.failedIds).toEqual([]);
    expect((await p.store.get(task.id))?.deferrals).toBe(2);

    const third = await deliver(p, p.standard, c, { waitSeconds: 5, emptyPolls: 3 });
    expect(third.event.Records[0]?.attributes.ApproximateReceiveCount).toBe('1');
    expect(third.failedIds).toEqual([]);
    expect(await p.store.get(task.id)).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
    expect(runs.get(task.id)).toBe(1);
    expect(calls.map((r) => r.deferrals)).toEqual([0, 1, 2]);
    expect(released).toEqual([task.id]);
    expect(c.metrics.count('deferred', 'test.ok')).toBe(2);
    expect(await depth(p.backend.sqs, p.standard.url)).toEqual({ visible: 0, inFlight: 0 });
    expect(await depth(p.backend.sqs, p.standard.dlqUrl)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('asks no gate for a type that has none', async () => {
    const calls: AdmissionRequest[] = [];
    const c = consumer(5, calls, []);
    const task = envelope('test.terminal', {});
    await send(p.backend.sqs, p.standard, task);
    const { failedIds } = await deliver(p, p.standard, c);
    expect(failedIds).toEqual([]);
    expect(calls).toEqual([]);
    expect(await p.store.get(task.id)).toMatchObject({ status: 'SUCCEEDED' });
  });

  it('leaves an ended task alone when its stale copy is deferred', async () => {
    const c = consumer(0, [], []);
    const task = envelope('test.ok', { n: 1 });
    await send(p.backend.sqs, p.standard, task);
    await deliver(p, p.standard, c);
    await new DynamoDeferralLog({
      client: p.backend.dynamodb,
      tableName: p.tableName,
    }).noteDeferral({
      id: task.id,
      type: 'test.ok',
      priority: 'default',
      maxAttempts: 5,
      enqueuedAt: Date.now(),
      reason: 'late',
      at: Date.now(),
      until: Date.now() + 1_000,
    });
    const record = await p.store.get(task.id);
    expect(record?.status).toBe('SUCCEEDED');
    expect(record?.waiting).toBeUndefined();
  });
});
