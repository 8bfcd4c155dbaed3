import type { MailTransport } from '../../email/ports.js';

/**
 * The SES transport, loaded on the first send: a consumer whose pipeline sends no email
 * does not evaluate the SES client at cold start.
 */
export function lazySesTransport(): MailTransport {
  let transport: Promise<MailTransport> | undefined;
  return {
    async send(message, signal) {
      transport ??= loadTransport();
      return (await transport).send(message, signal);
    },
  };
}

async function loadTransport(): Promise<MailTransport> {
  const [{ SESv2Client }, { SesMailTransport }] = await Promise.all([
    import('@aws-sdk/client-sesv2'),
    import('./SesMailTransport.js'),
  ]);
  return new SesMailTransport(new SESv2Client({}));
}
