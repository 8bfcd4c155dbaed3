import nodemailer, { type Transporter } from 'nodemailer';
import { PermanentError, RetryableError } from '../../functions/core/errors.js';
import { nodemailerFields } from '../../functions/email/mimeMessage.js';
import type { MailTransport, OutgoingEmail, SentEmail } from '../../functions/email/ports.js';

/**
 * The local runtime's mail with `SMTP_URL`: nodemailer to that server. A 5xx answer is
 * final, anything else (4xx, the connection) retries. SES templates cannot be rendered
 * here, so a templated message is refused with a clear error.
 */
export class SmtpTransport implements MailTransport {
  private readonly transporter: Transporter;

  constructor(smtpUrl: string) {
    this.transporter = nodemailer.createTransport(smtpUrl);
  }

  async send(message: OutgoingEmail): Promise<SentEmail> {
    if (message.template) {
      throw new PermanentError(
        `SES template "${message.template.name}" cannot be rendered by an SMTP server: unset SMTP_URL to see templated messages in the outbox`,
      );
    }
    try {
      const info = await this.transporter.sendMail({
        ...nodemailerFields(message),
        headers: { 'X-Taskpipe-Idempotency-Key': message.idempotencyKey },
      });
      return { messageId: info.messageId };
    } catch (thrown) {
      const code = (thrown as { responseCode?: number }).responseCode;
      const what = `SMTP send failed: ${(thrown as Error).message}`;
      if (code !== undefined && code >= 500) throw new PermanentError(what, { cause: thrown });
      throw new RetryableError(what, { cause: thrown });
    }
  }

  close(): void {
    this.transporter.close();
  }
}
