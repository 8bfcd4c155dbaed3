import { type BackoffPolicy, backoffDelayMs } from '../core/backoff.js';
import type { Clock } from '../core/ports.js';
import { parseRetryAfter } from '../tasks/retryAfter.js';
import { readAnswer } from './answer.js';
import { WebhookDeliveryError } from './errors.js';
import type { WebhookKind } from './formatters/index.js';
import type { HttpPort, WebhookRequest } from './ports.js';

/** How hard one target is tried. */
export interface DeliveryPolicy {
  /** Per request; shorter than the function's timeout. */
  timeoutMs: number;
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Between attempts after a 5xx, a timeout or a network error (full jitter). */
  backoff: BackoffPolicy;
  /** The longest `Retry-After` honoured; a longer one is cut to this. */
  maxRetryAfterMs: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  timeoutMs: 5_000,
  maxAttempts: 3,
  backoff: { baseMs: 500, capMs: 4_000 },
  maxRetryAfterMs: 10_000,
};

/** What delivery needs from outside; injected so tests neither wait nor depend on chance. */
export interface DeliveryDeps {
  http: HttpPort;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  /** Epoch ms after which no attempt may still be running (the invocation's end). */
  deadline?: number;
}

/** A delivered notification: the status and how many attempts it took. */
export interface Delivered {
  status: number;
  attempts: number;
}

function withAttempts(
  error: WebhookDeliveryError,
  attempts: number,
  note = '',
): WebhookDeliveryError {
  return new WebhookDeliveryError(error.host, error.failure, `${error.message}${note}`, {
    retryable: error.retryable,
    attempts,
    ...(error.status !== undefined ? { status: error.status } : {}),
  });
}

/**
 * POSTs one request until it is taken, retrying 408, 429, 5xx, timeouts and network errors
 * up to `maxAttempts`, with backoff or the server's `Retry-After` (bounded). Other 4xx fail
 * at once. No wait or request runs past `deps.deadline`.
 *
 * @throws WebhookDeliveryError with the attempts made and the last failure.
 */
export async function deliver(
  kind: WebhookKind,
  request: WebhookRequest,
  policy: DeliveryPolicy,
  deps: DeliveryDeps,
): Promise<Delivered> {
  const host = new URL(request.url).host;
  const deadline = deps.deadline ?? Number.POSITIVE_INFINITY;
  let attempt = 0;
  for (;;) {
    attempt += 1;
    const timeoutMs = Math.min(policy.timeoutMs, deadline - deps.clock.now());
    if (timeoutMs <= 0) {
      throw new WebhookDeliveryError(host, 'deadline', `no time left to post to ${host}`, {
        retryable: true,
        attempts: attempt - 1,
      });
    }
    let failure: WebhookDeliveryError;
    let retryAfterMs: number | undefined;
    try {
      const answer = await deps.http.post(request, timeoutMs);
      const verdict = readAnswer(kind, answer);
      if (verdict.ok) return { status: answer.status, attempts: attempt };
      failure = new WebhookDeliveryError(
        host,
        answer.status < 300 ? 'rejected' : 'status',
        `${host} ${verdict.why}`,
        {
          retryable: verdict.retryable,
          status: answer.status,
        },
      );
      retryAfterMs = parseRetryAfter(verdict.retryAfter, deps.clock.now(), policy.maxRetryAfterMs);
    } catch (thrown) {
      if (!(thrown instanceof WebhookDeliveryError)) throw thrown;
      failure = thrown;
    }
    if (!failure.retryable) throw withAttempts(failure, attempt);
    if (attempt >= policy.maxAttempts) {
      throw withAttempts(failure, attempt, ` (after ${attempt} attempts)`);
    }
    const delay = retryAfterMs ?? backoffDelayMs(attempt, policy.backoff, deps.random);
    // Waiting only to be cut off by the deadline helps no one: leave the retry to Lambda.
    if (deps.clock.now() + delay + Math.min(policy.timeoutMs, 1_000) > deadline) {
      throw withAttempts(failure, attempt, ` (no time left to retry after ${attempt} attempts)`);
    }
    await deps.sleep(delay);
  }
}
