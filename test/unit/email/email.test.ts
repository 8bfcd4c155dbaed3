import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import { SesMailTransport } from '../../../functions/adapters/ses/SesMailTransport.js';
import { sesError } from '../../../functions/adapters/ses/sesErrors.js';
import { PermanentError, RetryableError } from '../../../functions/core/errors.js';
import { emailSendPayloadSchema } from '../../../functions/email/emailPayload.js';
import { outgoingEmail } from '../../../functions/email/outgoingEmail.js';
import { formatEmail } from '../../../functions/notifier/formatters/email.js';
import { dlqAlarmMessage, noticeOf } from '../notifier/alarmFactory.js';

function issues(payload: unknown): string[] {
  const parsed = emailSendPayloadSchema.safeParse(payload);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('email.send payload', () => {
  const base = { from: 'a@shop.example', to: 'b@example.com', subject: 's', text: 't' };

  it('takes a string or a list of addresses, named or bare', () => {
    expect(issues(base)).toEqual([]);
    expect(issues({ ...base, to: ['Bo <b@example.com>', 'c@example.com'] })).toEqual([]);
  });

  it('refuses header injection, a missing body, and template mixed with content', () => {
    expect(issues({ ...base, to: 'b@example.com\nBcc: x@evil.example' })[0]).toMatch(/^to: /);
    expect(issues({ ...base, subject: 'hi\r\nBcc: x@evil.example' })).toEqual([
      'subject: must be one line (no CR or LF)',
    ]);
    expect(issues({ ...base, text: undefined })).toEqual([
      'text: give text, html or both (or a template instead of subject, text and html)',
    ]);
    expect(issues({ ...base, template: { name: 'welcome' } })).toEqual([
      'subject: must be left out with a template: the template holds the content',
      'text: must be left out with a template: the template holds the content',
    ]);
  });

  it('refuses more than 50 recipients, counting cc and bcc', () => {
    const many = Array.from({ length: 30 }, (_, i) => `r${i}@example.com`);
    expect(issues({ ...base, to: many, bcc: many })).toEqual([
      'to: to, cc and bcc list 60 recipients; SES takes at most 50 per message',
    ]);
  });
});

describe('SES transport at the SDK edge', () => {
  function capture() {
    const sent: { input: Record<string, unknown> }[] = [];
    const client = {
      send: async (command: { input: Record<string, unknown> }) => {
        sent.push(command);
        return { MessageId: 'm-1' };
      },
    } as unknown as SESv2Client;
    return { sent, transport: new SesMailTransport(client) };
  }

  it('sends a template by name with its data as JSON (moto has no templates)', async () => {
    const { sent, transport } = capture();
    const payload = emailSendPayloadSchema.parse({
      from: 'a@shop.example',
      to: 'b@example.com',
      template: { name: 'order-shipped', data: { name: 'Ada', items: [1, 2] } },
      tags: { campaign: 'ship' },
    });
    await expect(transport.send(outgoingEmail(payload, 'task-1'))).resolves.toEqual({
      messageId: 'm-1',
    });
    expect(sent[0]!.input).toMatchObject({
      FromEmailAddress: 'a@shop.example',
      Destination: { ToAddresses: ['b@example.com'] },
      Content: {
        Template: {
          TemplateName: 'order-shipped',
          TemplateData: '{"name":"Ada","items":[1,2]}',
        },
      },
      EmailTags: [{ Name: 'campaign', Value: 'ship' }],
    });
  });

  it('makes throttling retryable and rejections permanent', () => {
    const named = (name: string, status: number) =>
      Object.assign(new Error('x'), { name, $metadata: { httpStatusCode: status } });
    expect(sesError(named('TooManyRequestsException', 429), 'SendEmail')).toBeInstanceOf(
      RetryableError,
    );
    expect(sesError(named('MessageRejected', 400), 'SendEmail')).toBeInstanceOf(PermanentError);
    expect(sesError(named('NotFoundException', 404), 'SendEmail')).toBeInstanceOf(PermanentError);
    expect(sesError(named('InternalFailure', 500), 'SendEmail')).toBeInstanceOf(RetryableError);
    const quota = sesError(named('LimitExceededException', 400), 'SendEmail');
    expect((quota as RetryableError).retryAfterMs).toBe(15 * 60_000);
  });
});

describe('alarm email', () => {
  it('escapes alarm text in the HTML part and keeps the subject on one line', () => {
    const email = formatEmail(
      noticeOf(
        dlqAlarmMessage({
          AlarmName: 'queue <img src=x onerror=alert(1)>\nnext',
          AlarmDescription: 'Redrive with `taskpipe redrive` & check <script>',
        }),
      ),
    );
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.html).not.toContain('<img');
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(email.html).toContain('&amp; check &lt;script&gt;');
    expect(email.text).toContain('What to do: Redrive with `taskpipe redrive` & check <script>');
    expect(email.text).toContain('Open in CloudWatch: https://');
    expect(email.html.match(/<a /g)).toHaveLength(1);
  });
});
