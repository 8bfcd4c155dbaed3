import type { MailTransport, OutgoingEmail, SentLedger } from './ports.js';

/** How a send ended: sent now, or found already sent by an earlier attempt. */
export interface SendOutcome {
  messageId: string;
  /** True when the ledger held the key: nothing was sent this time. */
  alreadySent: boolean;
}

/**
 * Sends `message` at most once per idempotency key, as far as the ledger can tell: a key
 * found in the ledger is not sent again. SES takes no idempotency token, so the id is
 * recorded right after the send; a crash between the two sends the message again on retry
 * (the window docs/email.md describes).
 */
export async function sendOnce(
  message: OutgoingEmail,
  transport: MailTransport,
  ledger: SentLedger,
  signal?: AbortSignal,
): Promise<SendOutcome> {
  const found = await ledger.find(message.idempotencyKey);
  if (found !== undefined) return { messageId: found, alreadySent: true };
  const { messageId } = await transport.send(message, signal);
  await ledger.record(message.idempotencyKey, messageId);
  return { messageId, alreadySent: false };
}
