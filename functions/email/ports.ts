/**
 * The email ports: where a message goes (SES, an SMTP server, the local outbox) and where
 * the id of a sent message is recorded so a retry does not send it again. The task and the
 * notifier import no SDK; adapters implement these.
 */

/** One message, ready to send. Addresses are lists; empty lists are left out by adapters. */
export interface OutgoingEmail {
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo: string[];
  /** Either content (subject and at least one body) or a template. */
  subject?: string;
  text?: string;
  html?: string;
  template?: { name: string; data: Record<string, unknown> };
  attachments?: { filename: string; contentType: string; contentBase64: string }[];
  tags: Record<string, string>;
  configurationSet?: string;
  /** Stable across retries of one send: the task id, or the alarm's dedupe key. */
  idempotencyKey: string;
}

/** What a transport answers: the id its server gave the message. */
export interface SentEmail {
  messageId: string;
}

/** Sends one message. */
export interface MailTransport {
  /**
   * @throws RetryableError when trying again may work (throttling, a 5xx, the network);
   *   PermanentError when it cannot (a rejected message, an unverified sender).
   */
  send(message: OutgoingEmail, signal?: AbortSignal): Promise<SentEmail>;
}

/** Records which sends happened, by idempotency key. */
export interface SentLedger {
  /** The message id recorded for `key`, if a send with that key already happened. */
  find(key: string): Promise<string | undefined>;
  /** Records the message id of the send with `key`. */
  record(key: string, messageId: string): Promise<void>;
}
