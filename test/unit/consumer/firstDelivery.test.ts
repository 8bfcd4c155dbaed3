import { describe, expect, it } from 'vitest';
import { readAttempt } from '../../../functions/core/consumer/Attempt.js';
import { DEFERRAL_ATTRIBUTES } from '../../../functions/core/consumer/admission/Deferrer.js';
import {
  isUnrecordedFirstDelivery,
  UNRECORDED_ATTRIBUTE,
} from '../../../functions/core/consumer/firstDelivery.js';
import type { QueueMessage } from '../../../functions/core/consumer/types.js';
import type { TaskStore } from '../../../functions/core/ports.js';
import { envelope } from '../../helpers/consumerHarness.js';

const NOW = 1_700_000_000_000;

function message(fields: Partial<QueueMessage> = {}): QueueMessage {
  return {
    messageId: 'm-1',
    receiptHandle: 'rh-1',
    body: '{}',
    queue: { priority: 'default', name: 'q', url: 'http://q', dlqUrl: 'http://dlq', fifo: false },
    receiveCount: 1,
    sentTimestamp: NOW,
    attributes: { [UNRECORDED_ATTRIBUTE]: '1' },
    ...fields,
  };
}

describe('isUnrecordedFirstDelivery', () => {
  const task = envelope('alpha', {});

  it('is true for the first receive of a message the client marked', () => {
    expect(isUnrecordedFirstDelivery(message(), task)).toBe(true);
  });

  it('is false for a redelivery', () => {
    expect(isUnrecordedFirstDelivery(message({ receiveCount: 2 }), task)).toBe(false);
  });

  it('is false for an unmarked message (the API, a redrive, a raw producer)', () => {
    expect(isUnrecordedFirstDelivery(message({ attributes: {} }), task)).toBe(false);
    const other = message({ attributes: { [UNRECORDED_ATTRIBUTE]: 'yes' } });
    expect(isUnrecordedFirstDelivery(other, task)).toBe(false);
  });

  it('is false for a deferred copy, whose receive count started again', () => {
    const copy = message({
      attributes: { [UNRECORDED_ATTRIBUTE]: '1', [DEFERRAL_ATTRIBUTES.count]: '1' },
    });
    expect(isUnrecordedFirstDelivery(copy, task)).toBe(false);
  });

  it('is false for a task with an idempotency key', () => {
    const keyed = envelope('alpha', {}, { idempotencyKey: 'order-42' });
    expect(isUnrecordedFirstDelivery(message(), keyed)).toBe(false);
  });
});

describe('readAttempt without its read', () => {
  it('starts the first attempt without asking the store', async () => {
    const gets: string[] = [];
    const store = {
      get: async (id: string) => {
        gets.push(id);
        return undefined;
      },
    } as unknown as TaskStore;
    const request = {
      id: 't-1',
      type: 'alpha',
      priority: 'default',
      maxAttempts: 3,
      enqueuedAt: NOW,
    };

    const start = await readAttempt(store, request, 'terminal', 1, NOW, false);

    expect(gets).toEqual([]);
    expect(start).toMatchObject({ kind: 'started', attempt: { record: { attempts: 1 } } });
    await readAttempt(store, request, 'terminal', 1, NOW);
    expect(gets).toEqual(['t-1']);
  });
});
