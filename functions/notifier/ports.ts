/**
 * The notifier's ports: where webhook secrets come from and how a request goes out. The
 * notifier core imports no AWS SDK; adapters implement these.
 */

/** A webhook secret's value: `{ "url": "...", "secret"?: "..." }`. */
export interface WebhookSecret {
  /** The webhook URL. Its path or query is the credential: never log it. */
  url: string;
  /** Signing secret, for targets that sign (Feishu, DingTalk, generic). */
  secret?: string;
}

/** Reads webhook secrets by name. */
export interface SecretProvider {
  /**
   * @throws WebhookSecretError naming the secret (never its value) when it is missing,
   *   unreadable or not a webhook secret.
   */
  getWebhookSecret(secretName: string): Promise<WebhookSecret>;
}

/** One signed, serialised POST, ready to send. */
export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** What came back: the status, a `Retry-After` if any, and the (bounded) body. */
export interface HttpAnswer {
  status: number;
  retryAfter?: string;
  body?: unknown;
}

/** Sends one POST. */
export interface HttpPort {
  /**
   * @throws WebhookDeliveryError (`timeout` or `network`) when no answer came in time.
   */
  post(request: WebhookRequest, timeoutMs: number): Promise<HttpAnswer>;
}
