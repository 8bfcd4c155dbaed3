import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { OutgoingEmail } from './ports.js';

/** The nodemailer message fields of an outgoing email (content, not a template). */
export function nodemailerFields(message: OutgoingEmail) {
  return {
    from: message.from,
    to: message.to,
    ...(message.cc.length ? { cc: message.cc } : {}),
    ...(message.bcc.length ? { bcc: message.bcc } : {}),
    ...(message.replyTo.length ? { replyTo: message.replyTo } : {}),
    subject: message.subject ?? '',
    ...(message.text !== undefined ? { text: message.text } : {}),
    ...(message.html !== undefined ? { html: message.html } : {}),
    attachments: (message.attachments ?? []).map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: a.contentBase64,
      encoding: 'base64',
    })),
  };
}

/**
 * A MIME message (RFC 5322) built by nodemailer's composer, for SES raw sends. Bcc stays
 * out of the headers; SES takes those recipients from the destination.
 */
export function mimeMessage(message: OutgoingEmail): Promise<Buffer> {
  return new MailComposer(nodemailerFields(message)).compile().build();
}
