import { WebhookSecretError } from './errors.js';
import type { SecretProvider, WebhookSecret } from './ports.js';

/**
 * Webhook secrets held in memory: for the local runtime (`TASKPIPE_WEBHOOK_URL`) and
 * tests, where there is no Secrets Manager. Not for Lambda: its values would come from
 * plain environment variables.
 */
export class StaticSecretProvider implements SecretProvider {
  private readonly secrets: ReadonlyMap<string, WebhookSecret>;

  constructor(secrets: Record<string, WebhookSecret>) {
    this.secrets = new Map(Object.entries(secrets));
  }

  async getWebhookSecret(secretName: string): Promise<WebhookSecret> {
    const secret = this.secrets.get(secretName);
    if (!secret) throw new WebhookSecretError(secretName, 'missing', 'does not exist');
    return secret;
  }
}
