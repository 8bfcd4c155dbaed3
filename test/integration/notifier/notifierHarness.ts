import type { Logger } from '../../../functions/core/ports.js';
import type { DeliveryPolicy } from '../../../functions/notifier/deliver.js';
import { Notifier, type WebhookTarget } from '../../../functions/notifier/Notifier.js';
import type { WebhookSecret } from '../../../functions/notifier/ports.js';
import { StaticSecretProvider } from '../../../functions/notifier/StaticSecretProvider.js';

/** A notifier whose waits are recorded instead of slept, and whose logs are kept. */
export interface TestNotifier {
  notifier: Notifier;
  /** Every delay the notifier asked to wait, in order. Nothing actually waits. */
  sleeps: number[];
  /** Everything logged, as JSON lines. */
  logs: string[];
}

/**
 * Builds a notifier for `targets`, their secrets served from memory. Jitter is fixed at
 * its maximum, so the backoff before retry n is exactly min(cap, base·2^(n-1)).
 */
export function testNotifier(
  targets: WebhookTarget[],
  secrets: Record<string, WebhookSecret>,
  options: { delivery?: Partial<DeliveryPolicy>; now?: () => number } = {},
): TestNotifier {
  const sleeps: number[] = [];
  const logs: string[] = [];
  const record =
    (level: string) =>
    (message: string, ...extra: object[]) => {
      logs.push(JSON.stringify({ level, message, extra }));
    };
  const logger: Logger = {
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };
  const notifier = new Notifier({
    targets,
    secrets: new StaticSecretProvider(secrets),
    logger,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 1,
    ...(options.now ? { clock: { now: options.now } } : {}),
    delivery: { timeoutMs: 2_000, ...options.delivery },
  });
  return { notifier, sleeps, logs };
}

/** Awaits the rejection of `promise` and returns the error; fails if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    (value) => ({ resolved: value }),
    (thrown: unknown) => ({ thrown }),
  );
  if (!('thrown' in outcome)) throw new Error('expected the call to fail');
  if (!(outcome.thrown instanceof Error))
    throw new Error(`threw a non-error: ${String(outcome.thrown)}`);
  return outcome.thrown;
}
