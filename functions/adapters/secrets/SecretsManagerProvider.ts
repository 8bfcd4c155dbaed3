import {
  GetSecretValueCommand,
  type GetSecretValueCommandOutput,
  ResourceNotFoundException,
} from '@aws-sdk/client-secrets-manager';
import { type Clock, systemClock } from '../../core/ports.js';
import { WebhookSecretError } from '../../notifier/errors.js';
import type { SecretProvider, WebhookSecret } from '../../notifier/ports.js';
import { parseWebhookSecret } from '../../notifier/webhookSecret.js';

/** The one SDK call this adapter makes; a `SecretsManagerClient` is one. */
export interface GetSecretValueClient {
  send(command: GetSecretValueCommand): Promise<GetSecretValueCommandOutput>;
}

/** Options of {@link SecretsManagerProvider}. */
export interface SecretsManagerProviderOptions {
  client: GetSecretValueClient;
  /** How long a value is reused before it is read again. @default 300000 (5 minutes) */
  ttlMs?: number;
  clock?: Clock;
}

interface Cached {
  expiresAt: number;
  value: Promise<unknown>;
}

/**
 * Webhook secrets and callback keys from AWS Secrets Manager (`GetSecretValue`), kept in memory for a TTL so
 * a burst of alarms makes one call per secret, and a rotated URL is picked up within the
 * TTL. Values stay in this object: they are never logged or put in errors.
 */
export class SecretsManagerProvider implements SecretProvider {
  private readonly client: GetSecretValueClient;
  private readonly ttlMs: number;
  private readonly clock: Clock;
  private readonly cache = new Map<string, Cached>();

  constructor(options: SecretsManagerProviderOptions) {
    this.client = options.client;
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.clock = options.clock ?? systemClock;
  }

  getWebhookSecret(secretName: string): Promise<WebhookSecret> {
    return this.cached(`webhook:${secretName}`, async () =>
      parseWebhookSecret(secretName, await this.read(secretName)),
    );
  }

  /** The secret's whole text (a callback's signing key), cached as webhook secrets are. */
  getSecretText(secretName: string): Promise<string> {
    return this.cached(`text:${secretName}`, () => this.read(secretName));
  }

  private cached<T>(key: string, read: () => Promise<T>): Promise<T> {
    const now = this.clock.now();
    const hit = this.cache.get(key);
    if (hit && hit.expiresAt > now) return hit.value as Promise<T>;
    // The promise is cached, so concurrent lookups share one call; a failure is not kept.
    const value = read();
    this.cache.set(key, { expiresAt: now + this.ttlMs, value });
    value.catch(() => {
      if (this.cache.get(key)?.value === value) this.cache.delete(key);
    });
    return value;
  }

  private async read(secretName: string): Promise<string> {
    let out: GetSecretValueCommandOutput;
    try {
      out = await this.client.send(new GetSecretValueCommand({ SecretId: secretName }));
    } catch (thrown) {
      if (thrown instanceof ResourceNotFoundException) {
        throw new WebhookSecretError(secretName, 'missing', 'does not exist in Secrets Manager', {
          cause: thrown,
        });
      }
      const name = thrown instanceof Error ? thrown.name : 'unknown error';
      throw new WebhookSecretError(secretName, 'unreadable', `could not be read (${name})`, {
        cause: thrown,
      });
    }
    if (out.SecretString === undefined) {
      throw new WebhookSecretError(
        secretName,
        'malformed',
        'has no string value (binary secrets are not supported)',
      );
    }
    return out.SecretString;
  }
}
