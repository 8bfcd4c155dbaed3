import { describe, expect, it } from 'vitest';
import {
  DEFERRAL_ATTRIBUTES,
  Deferrer,
  deferralsOf,
  unfinishedWait,
} from '../../../functions/core/consumer/admission/Deferrer.js';
import type { Deferral } from '../../../functions/core/consumer/admission/types.js';
import { entryLogger, queueMessage, recordingQueue } from '../../helpers/admissionFakes.js';
import { envelope, RecordingMetrics } from '../../helpers/consumerHarness.js';

const NOW = 50_000;

function deferrer() {
  const { queue, sent } = recordingQueue();
  const logger = entryLogger();
  // No deferral log: a consumer without a task store still defers.
  const d = new Deferrer({
    queue,
    clock: { now: () => NOW },
    logger,
    metrics: new RecordingMetrics(),
  });
  const attributesSent = () => {
    const attributes = sent[0]?.options?.attributes;
    if (!attributes) throw new Error('no copy was sent');
    return attributes;
  };
  return { d, sent, logger, attributesSent };
}

const wait = (delayMs: number, extra: Partial<Deferral> = {}): Deferral => ({
  kind: 'defer',
  delayMs,
  reason: 'rate_limit',
  ...extra,
});

/** `n` attributes of the task's own, named a0, a1… */
const own = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`a${i}`, 'v']));

describe('Deferrer', () => {
  it('defers without a deferral log, sending the copy all the same', async () => {
    const { d, sent } = deferrer();
    const out = await d.defer(queueMessage(), envelope('a', {}), 1, wait(2_000));
    expect(out).toMatchObject({ kind: 'deferred_resent', ack: true });
    expect(sent).toHaveLength(1);
  });

  it('sends a wait of whole seconds as one hop that carries no end', async () => {
    const { d, sent, attributesSent } = deferrer();
    await d.defer(queueMessage(), envelope('a', {}), 1, wait(5_000, { detail: { limit: 2 } }));
    expect(sent[0]?.options?.delaySeconds).toBe(5);
    expect(Object.keys(attributesSent()).sort()).toEqual(
      [DEFERRAL_ATTRIBUTES.count, DEFERRAL_ATTRIBUTES.reason].sort(),
    );
  });

  it('gives a long wait without detail its end and no detail attribute', async () => {
    const { d, attributesSent } = deferrer();
    await d.defer(queueMessage(), envelope('a', {}), 1, wait(1_000_000));
    expect(Object.keys(attributesSent()).sort()).toEqual(
      [DEFERRAL_ATTRIBUTES.count, DEFERRAL_ATTRIBUTES.reason, DEFERRAL_ATTRIBUTES.until].sort(),
    );
    expect(attributesSent()[DEFERRAL_ATTRIBUTES.until]).toBe(String(NOW + 1_000_000));
  });

  it('drops the end and detail of an earlier hop when the last hop is short', async () => {
    const { d, attributesSent } = deferrer();
    const earlierHop = queueMessage({
      own: 'kept',
      [DEFERRAL_ATTRIBUTES.count]: '3',
      [DEFERRAL_ATTRIBUTES.reason]: 'paused',
      [DEFERRAL_ATTRIBUTES.until]: String(NOW + 2_000),
      [DEFERRAL_ATTRIBUTES.detail]: '{"by":"op"}',
    });
    await d.defer(earlierHop, envelope('a', {}), 1, wait(2_000));
    expect(attributesSent()).toStrictEqual({
      own: 'kept',
      [DEFERRAL_ATTRIBUTES.count]: '4',
      [DEFERRAL_ATTRIBUTES.reason]: 'rate_limit',
    });
  });

  it('logs the deferral with the task, its reason, its wait and its count', async () => {
    const { d, logger } = deferrer();
    const task = envelope('a', {});
    await d.defer(queueMessage({ [DEFERRAL_ATTRIBUTES.count]: '1' }), task, 1, wait(1_500));
    expect(logger.entries).toEqual([
      {
        level: 'info',
        message: 'task deferred',
        fields: [
          { taskId: task.id, type: 'a', reason: 'rate_limit', delayMs: 1_500, deferrals: 2 },
        ],
      },
    ]);
  });

  it('keeps all of the task’s own attributes that fit beside ours, and warns of none', async () => {
    const { d, logger, attributesSent } = deferrer();
    await d.defer(queueMessage(own(8)), envelope('a', {}), 1, wait(1_000));
    expect(attributesSent()).toMatchObject(own(8));
    expect(Object.keys(attributesSent())).toHaveLength(10);
    expect(logger.entries.filter((e) => e.level === 'warn')).toEqual([]);
  });

  it('names the own attributes it drops over the limit of ten', async () => {
    const { d, logger, attributesSent } = deferrer();
    await d.defer(queueMessage(own(9)), envelope('a', {}), 1, wait(1_000));
    expect(attributesSent()).not.toHaveProperty('a8');
    expect(logger.entries.filter((e) => e.level === 'warn')).toEqual([
      {
        level: 'warn',
        message: 'deferred copy drops message attributes over the limit of ten',
        fields: [{ dropped: ['a8'] }],
      },
    ]);
  });
});

describe('unfinishedWait', () => {
  it('hops again when exactly one second of the wait is left', () => {
    const message = queueMessage({ [DEFERRAL_ATTRIBUTES.until]: String(NOW + 1_000) });
    expect(unfinishedWait(message, NOW)).toEqual({
      kind: 'defer',
      delayMs: 1_000,
      reason: 'deferred',
    });
  });
});

describe('deferralsOf', () => {
  it('counts a single earlier deferral as one', () => {
    expect(deferralsOf(queueMessage({ [DEFERRAL_ATTRIBUTES.count]: '1' }))).toBe(1);
  });
});
