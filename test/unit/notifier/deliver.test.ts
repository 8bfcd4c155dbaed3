import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DELIVERY_POLICY,
  type DeliveryDeps,
  deliver,
} from '../../../functions/notifier/deliver.js';
import { WebhookDeliveryError } from '../../../functions/notifier/errors.js';
import type { HttpAnswer, HttpPort } from '../../../functions/notifier/ports.js';

const request = { url: 'https://hooks.example.com/secret-path', headers: {}, body: '{}' };

/** An HTTP port that gives the answers in order and records the timeouts it was given. */
function scripted(...answers: (HttpAnswer | WebhookDeliveryError)[]) {
  const timeouts: number[] = [];
  const http: HttpPort = {
    async post(_request, timeoutMs) {
      timeouts.push(timeoutMs);
      const next = answers.shift();
      if (!next) throw new Error('no more answers scripted');
      if (next instanceof WebhookDeliveryError) throw next;
      return next;
    },
  };
  return { http, timeouts };
}

function deps(http: HttpPort, extra: Partial<DeliveryDeps> = {}) {
  const sleeps: number[] = [];
  const d: DeliveryDeps = {
    http,
    clock: { now: () => 1_000_000 },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 1,
    ...extra,
  };
  return { d, sleeps };
}

async function deliveryError(promise: Promise<unknown>): Promise<WebhookDeliveryError> {
  const thrown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(thrown).toBeInstanceOf(WebhookDeliveryError);
  return thrown as WebhookDeliveryError;
}

const timeout = () =>
  new WebhookDeliveryError('hooks.example.com', 'timeout', 'hooks.example.com did not answer', {
    retryable: true,
  });

describe('deliver', () => {
  it('backs off exponentially between retries, up to the attempt limit', async () => {
    const { http } = scripted(timeout(), { status: 502 }, { status: 503 });
    const { d, sleeps } = deps(http);

    const error = await deliveryError(deliver('slack', request, DEFAULT_DELIVERY_POLICY, d));

    expect(error).toMatchObject({ failure: 'status', status: 503, attempts: 3, retryable: true });
    expect(error.message).toBe('hooks.example.com answered 503 (after 3 attempts)');
    expect(sleeps).toEqual([500, 1000]);
  });

  it('never gives a request more time than is left before the deadline', async () => {
    const { http, timeouts } = scripted({ status: 200 });
    const { d } = deps(http, { deadline: 1_000_000 + 1_200 });

    await deliver('slack', request, DEFAULT_DELIVERY_POLICY, d);

    expect(timeouts).toEqual([1_200]);
  });

  it('does not start when the deadline has passed', async () => {
    const { http, timeouts } = scripted({ status: 200 });
    const { d } = deps(http, { deadline: 1_000_000 });

    const error = await deliveryError(deliver('slack', request, DEFAULT_DELIVERY_POLICY, d));

    expect(error).toMatchObject({ failure: 'deadline', attempts: 0 });
    expect(timeouts).toEqual([]);
  });

  it('stops after one attempt when the policy allows one', async () => {
    const { http } = scripted({ status: 500 });
    const { d, sleeps } = deps(http);

    const error = await deliveryError(
      deliver('slack', request, { ...DEFAULT_DELIVERY_POLICY, maxAttempts: 1 }, d),
    );

    expect(error.attempts).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('never puts the URL path in an error', async () => {
    const { http } = scripted({ status: 400, body: 'invalid_payload' });
    const { d } = deps(http);

    const error = await deliveryError(deliver('slack', request, DEFAULT_DELIVERY_POLICY, d));

    expect(error.message).toBe('hooks.example.com answered 400: invalid_payload');
    expect(JSON.stringify(error.details)).not.toContain('secret-path');
  });
});
