import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { AdmissionGates } from '../../../functions/core/consumer/admission/AdmissionGates.js';
import {
  DEFERRAL_ATTRIBUTES,
  Deferrer,
  deferralsOf,
  unfinishedWait,
} from '../../../functions/core/consumer/admission/Deferrer.js';
import type {
  Admission,
  AdmissionGate,
  AdmissionRequest,
  DeferralNote,
} from '../../../functions/core/consumer/admission/types.js';
import type { QueuePort } from '../../../functions/core/ports.js';
import { createRegistry } from '../../../functions/core/registry.js';
import { defineTask } from '../../../functions/core/task.js';
import { queueMessage as message } from '../../helpers/admissionFakes.js';
import { envelope, RecordingMetrics, silentLogger } from '../../helpers/consumerHarness.js';

const registry = createRegistry([
  defineTask({ type: 'a', schema: z.object({ n: z.number() }), handler: () => null }),
  defineTask({ type: 'b', schema: z.object({}), handler: () => null }),
]);

function gate(name: string, answer: Admission, log: string[]): AdmissionGate {
  return {
    name,
    admit: async () => {
      log.push(`admit ${name}`);
      return answer;
    },
  };
}

const request = (): AdmissionRequest => ({
  taskId: 't',
  type: 'a',
  envelope: envelope('a', { n: 1 }),
  definition: registry.get('a'),
  payload: { n: 1 },
  now: 0,
  deferrals: 0,
});

describe('AdmissionGates', () => {
  it('builds a type’s gates once, and none for a type no factory serves', () => {
    let built = 0;
    const gates = new AdmissionGates(
      [
        (d) => {
          if (d.type !== 'a') return undefined;
          built++;
          return gate('g', { kind: 'run' }, []);
        },
      ],
      registry,
    );
    expect(gates.gatesFor(registry.get('a'))).toHaveLength(1);
    expect(gates.gatesFor(registry.get('a'))).toHaveLength(1);
    expect(gates.gatesFor(registry.get('b'))).toEqual([]);
    expect(built).toBe(1);
  });

  it('releases what earlier gates granted when a later one defers, latest first', async () => {
    const log: string[] = [];
    const held = (name: string): Admission => ({
      kind: 'run',
      release: async () => void log.push(`release ${name}`),
    });
    const gates = new AdmissionGates([], registry);
    const deferral: Admission = { kind: 'defer', delayMs: 5, reason: 'r' };
    const answer = await gates.admit(
      [gate('one', held('one'), log), gate('two', held('two'), log), gate('three', deferral, log)],
      request(),
    );
    expect(answer).toEqual(deferral);
    expect(log).toEqual(['admit one', 'admit two', 'admit three', 'release two', 'release one']);
  });

  it('stops at a gate that cancels the task and releases what earlier gates granted', async () => {
    const log: string[] = [];
    const held: Admission = { kind: 'run', release: async () => void log.push('release one') };
    const cancelled: Admission = { kind: 'cancelled', reason: 'debounced' };
    const answer = await new AdmissionGates([], registry).admit(
      [gate('one', held, log), gate('two', cancelled, log), gate('three', { kind: 'run' }, log)],
      request(),
    );
    expect(answer).toEqual(cancelled);
    expect(log).toEqual(['admit one', 'admit two', 'release one']);
  });

  it('runs when every gate admits, and its release gives back every slot once', async () => {
    const log: string[] = [];
    const gates = new AdmissionGates([], registry);
    const answer = await gates.admit(
      [
        gate('one', { kind: 'run', release: async () => void log.push('release one') }, log),
        gate('two', { kind: 'run' }, log),
      ],
      request(),
    );
    if (answer.kind !== 'run') throw new Error('expected run');
    await answer.release();
    await answer.release();
    expect(log).toEqual(['admit one', 'admit two', 'release one']);
  });

  it('rejects the run’s release when a slot cannot be given back, after trying every one', async () => {
    const log: string[] = [];
    const gates = new AdmissionGates([], registry);
    const answer = await gates.admit(
      [
        gate('one', { kind: 'run', release: async () => void log.push('release one') }, log),
        gate('two', { kind: 'run', release: () => Promise.reject(new Error('lease lost')) }, log),
      ],
      request(),
    );
    if (answer.kind !== 'run') throw new Error('expected run');
    await expect(answer.release()).rejects.toThrow('lease lost');
    expect(log).toEqual(['admit one', 'admit two', 'release one']);
  });

  it('fails the admission when a later gate defers and a granted slot cannot be given back', async () => {
    const gates = new AdmissionGates([], registry);
    const stuck: Admission = {
      kind: 'run',
      release: () => Promise.reject(new Error('lease lost')),
    };
    await expect(
      gates.admit(
        [gate('one', stuck, []), gate('two', { kind: 'defer', delayMs: 5, reason: 'r' }, [])],
        request(),
      ),
    ).rejects.toThrow('lease lost');
  });

  it('releases granted slots and rethrows when a gate cannot decide', async () => {
    const log: string[] = [];
    const broken: AdmissionGate = {
      name: 'broken',
      admit: () => Promise.reject(new Error('store down')),
    };
    const gates = new AdmissionGates([], registry);
    await expect(
      gates.admit(
        [gate('one', { kind: 'run', release: async () => void log.push('release') }, log), broken],
        request(),
      ),
    ).rejects.toThrow('store down');
    expect(log).toEqual(['admit one', 'release']);
  });

  it('gives key functions the parsed payload, or undefined when it does not parse', () => {
    const gates = new AdmissionGates([], registry);
    expect(gates.payloadOf(registry.get('a'), { n: 2 })).toEqual({ n: 2 });
    expect(gates.payloadOf(registry.get('a'), { n: 'x' })).toBeUndefined();
  });
});

describe('Deferrer', () => {
  function deferrer(now: number) {
    const sent: { url: string; body: string; options: unknown }[] = [];
    const notes: DeferralNote[] = [];
    const queue = {
      send: async (url: string, body: string, options?: unknown) => {
        sent.push({ url, body, options });
        return { messageId: 'copy' };
      },
    } as unknown as QueuePort;
    const metrics = new RecordingMetrics();
    const d = new Deferrer({
      queue,
      clock: { now: () => now },
      logger: silentLogger,
      metrics,
      log: { noteDeferral: async (note) => void notes.push(note) },
    });
    return { d, sent, notes, metrics };
  }

  it('sends a delayed copy of the body, counts the deferral and acknowledges', async () => {
    const { d, sent, notes, metrics } = deferrer(10_000);
    const task = envelope('a', { n: 1 });
    const out = await d.defer(message({ own: 'kept', [DEFERRAL_ATTRIBUTES.count]: '2' }), task, 4, {
      kind: 'defer',
      delayMs: 2_500,
      reason: 'rate_limit',
      detail: { perSecond: 1 },
    });
    expect(out).toEqual({
      kind: 'deferred_resent',
      ack: true,
      taskId: task.id,
      delayMs: 2_500,
      reason: 'rate_limit',
    });
    expect(sent).toEqual([
      {
        url: 'http://q',
        body: '{"x":1}',
        options: {
          delaySeconds: 3,
          attributes: {
            own: 'kept',
            [DEFERRAL_ATTRIBUTES.count]: '3',
            [DEFERRAL_ATTRIBUTES.reason]: 'rate_limit',
          },
        },
      },
    ]);
    expect(notes).toEqual([
      expect.objectContaining({
        id: task.id,
        maxAttempts: 4,
        reason: 'rate_limit',
        detail: { perSecond: 1 },
        at: 10_000,
        until: 12_500,
      }),
    ]);
    expect(metrics.count('deferred', 'a')).toBe(1);
  });

  it('waits at least a second, so a gate answering 0 cannot spin the message', async () => {
    const { d, sent } = deferrer(0);
    await d.defer(message(), envelope('a', { n: 1 }), 1, {
      kind: 'defer',
      delayMs: 0,
      reason: 'r',
    });
    expect(sent[0]?.options).toMatchObject({ delaySeconds: 1 });
  });

  it('splits a wait over 900 s into hops that carry its end and detail', async () => {
    const { d, sent } = deferrer(1_000);
    await d.defer(message(), envelope('a', { n: 1 }), 1, {
      kind: 'defer',
      delayMs: 3_600_000,
      reason: 'paused',
      detail: { by: 'op' },
    });
    const options = sent[0]?.options as {
      delaySeconds: number;
      attributes: Record<string, string>;
    };
    expect(options.delaySeconds).toBe(900);
    expect(options.attributes[DEFERRAL_ATTRIBUTES.until]).toBe('3601000');
    const next = message(options.attributes);
    expect(unfinishedWait(next, 901_000)).toEqual({
      kind: 'defer',
      delayMs: 2_700_000,
      reason: 'paused',
      detail: { by: 'op' },
    });
    // Within the last second the wait is over, and the gates are asked again.
    expect(unfinishedWait(next, 3_600_001)).toBeUndefined();
    expect(unfinishedWait(next, 3_599_000)?.delayMs).toBe(2_000);
  });

  it('keeps within SQS’s ten attributes, ours first', async () => {
    const { d, sent } = deferrer(0);
    const own = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`a${i}`, 'v']));
    await d.defer(message(own), envelope('a', { n: 1 }), 1, {
      kind: 'defer',
      delayMs: 1,
      reason: 'r',
    });
    const { attributes } = (sent[0] as { options: unknown }).options as {
      attributes: Record<string, string>;
    };
    expect(Object.keys(attributes)).toHaveLength(10);
    expect(attributes[DEFERRAL_ATTRIBUTES.reason]).toBe('r');
  });

  it('reads a deferral count only from a positive integer', () => {
    expect(deferralsOf(message())).toBe(0);
    expect(deferralsOf(message({ [DEFERRAL_ATTRIBUTES.count]: 'x' }))).toBe(0);
    expect(deferralsOf(message({ [DEFERRAL_ATTRIBUTES.count]: '-1' }))).toBe(0);
    expect(deferralsOf(message({ [DEFERRAL_ATTRIBUTES.count]: '1.5' }))).toBe(0);
    expect(deferralsOf(message({ [DEFERRAL_ATTRIBUTES.count]: '4' }))).toBe(4);
  });

  it('reads a wait with bad detail as a wait without detail', () => {
    const wait = unfinishedWait(
      message({ [DEFERRAL_ATTRIBUTES.until]: '5000', [DEFERRAL_ATTRIBUTES.detail]: '{' }),
      0,
    );
    expect(wait).toEqual({ kind: 'defer', delayMs: 5_000, reason: 'deferred' });
    expect(unfinishedWait(message({ [DEFERRAL_ATTRIBUTES.until]: 'soon' }), 0)).toBeUndefined();
  });
});
