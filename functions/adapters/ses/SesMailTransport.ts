import { type EmailContent, type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mimeMessage } from '../../email/mimeMessage.js';
import type { MailTransport, OutgoingEmail, SentEmail } from '../../email/ports.js';
import { sesError } from './sesErrors.js';

const UTF8 = 'UTF-8';

async function contentOf(message: OutgoingEmail): Promise<EmailContent> {
  if (message.template) {
    return {
      Template: {
        TemplateName: message.template.name,
        TemplateData: JSON.stringify(message.template.data),
      },
    };
  }
  // Attachments need a MIME message of our own: SES's simple content has no place for them.
  if (message.attachments?.length) return { Raw: { Data: await mimeMessage(message) } };
  return {
    Simple: {
      Subject: { Data: message.subject ?? '', Charset: UTF8 },
      Body: {
        ...(message.text !== undefined ? { Text: { Data: message.text, Charset: UTF8 } } : {}),
        ...(message.html !== undefined ? { Html: { Data: message.html, Charset: UTF8 } } : {}),
      },
    },
  };
}

const nonEmpty = (list: string[]) => (list.length ? list : undefined);

/** Sends through SES v2 `SendEmail`: simple, raw (with attachments) or templated content. */
export class SesMailTransport implements MailTransport {
  constructor(private readonly client: SESv2Client) {}

  async send(message: OutgoingEmail, signal?: AbortSignal): Promise<SentEmail> {
    const command = new SendEmailCommand({
      FromEmailAddress: message.from,
      Destination: {
        ToAddresses: message.to,
        CcAddresses: nonEmpty(message.cc),
        BccAddresses: nonEmpty(message.bcc),
      },
      ReplyToAddresses: nonEmpty(message.replyTo),
      Content: await contentOf(message),
      EmailTags: Object.entries(message.tags).map(([Name, Value]) => ({ Name, Value })),
      ConfigurationSetName: message.configurationSet,
    });
    let answer: { MessageId?: string | undefined };
    try {
      answer = await this.client.send(command, signal ? { abortSignal: signal } : {});
    } catch (thrown) {
      throw sesError(thrown, 'SendEmail');
    }
    if (!answer.MessageId) throw sesError(new Error('no MessageId in the answer'), 'SendEmail');
    return { messageId: answer.MessageId };
  }
}
