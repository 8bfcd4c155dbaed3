import * as z from 'zod';
import { WebhookSecretError } from './errors.js';
import type { WebhookSecret } from './ports.js';

const webhookSecretSchema = z.looseObject({
  url: z.url({ protocol: /^https?$/ }),
  secret: z.string().min(1).optional(),
});

/**
 * Parses a secret's text as `{ "url": "...", "secret"?: "..." }`.
 *
 * @throws WebhookSecretError (`malformed`) naming the secret and the bad fields; the
 *   message never quotes the text, which is the credential.
 */
export function parseWebhookSecret(secretName: string, text: string): WebhookSecret {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // JSON.parse's own message quotes the text: leave it (and the cause) out.
    throw new WebhookSecretError(secretName, 'malformed', 'is not JSON; expected {"url": …}');
  }
  const parsed = webhookSecretSchema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
    throw new WebhookSecretError(
      secretName,
      'malformed',
      `is not a webhook secret (bad or missing: ${fields}); expected {"url": "https://…", "secret"?: "…"}`,
    );
  }
  return parsed.data.secret === undefined
    ? { url: parsed.data.url }
    : { url: parsed.data.url, secret: parsed.data.secret };
}
