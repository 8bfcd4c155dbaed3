import { defineTask } from '../core/task.js';
import { type EmailSendPayload, emailSendPayloadSchema } from '../email/emailPayload.js';
import { emailServices } from '../email/emailServices.js';
import { outgoingEmail } from '../email/outgoingEmail.js';
import { sendOnce } from '../email/sendOnce.js';

/** What `email.send` returns: the message id and whether this attempt sent it. */
export interface EmailSendResult {
  messageId: string;
  /** False when an earlier attempt had sent it (its id was recorded): nothing sent now. */
  sent: boolean;
  recipients: number;
}

function recipientCount(p: EmailSendPayload): number {
  return [p.to, p.cc, p.bcc].flat().filter((a) => a !== undefined).length;
}

/**
 * `email.send`: sends one email through SES v2 (locally: the outbox or `SMTP_URL`). The
 * message id is recorded right after the send, keyed by the task id, and a retry that
 * finds it sends nothing. Throttling retries with the backoff; a rejected message fails.
 */
export const emailSend = defineTask({
  type: 'email.send',
  schema: emailSendPayloadSchema,
  handler: async (payload, ctx): Promise<EmailSendResult> => {
    const { transport, ledger } = emailServices();
    const message = outgoingEmail(payload, ctx.idempotencyKey);
    const outcome = await sendOnce(message, transport, ledger, ctx.signal);
    // Ids and counts only: addresses and content are personal data.
    ctx.logger.info(outcome.alreadySent ? 'email already sent' : 'email sent', {
      messageId: outcome.messageId,
    });
    return {
      messageId: outcome.messageId,
      sent: !outcome.alreadySent,
      recipients: recipientCount(payload),
    };
  },
  maxAttempts: 8,
  // Throttling is the common retry: spread the retries out well past one second.
  backoff: { baseMs: 1_000, capMs: 5 * 60_000 },
  timeoutMs: 30_000,
});
