import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoSentLedger } from '../../../functions/adapters/dynamodb/DynamoSentLedger.js';
import { lazySesTransport } from '../../../functions/adapters/ses/lazySesTransport.js';
import { SesMailTransport } from '../../../functions/adapters/ses/SesMailTransport.js';
import { PermanentError, RetryableError } from '../../../functions/core/errors.js';
import { installEmailServices } from '../../../functions/email/emailServices.js';
import { emailSend } from '../../../functions/tasks/emailSend.js';
import { type Backend, TEST_CREDENTIALS, TEST_REGION } from '../../helpers/backend.js';
import { motoAvailability, startMoto } from '../../helpers/moto.js';
import { createTaskTable, uniqueName } from '../../helpers/resources.js';
import { createTaskContext } from '../../helpers/taskContext.js';
import { motoMail, sesClient, verifyDomain } from './sesHarness.js';

const moto = motoAvailability();
if (!moto.available && !process.env.CI) {
  process.stdout.write(`skipping email.send on moto's SES v2: ${moto.reason}\n`);
}

const FROM = 'Shop <orders@shop.example>';

async function run(payload: unknown, taskId: string) {
  const parsed = emailSend.schema.parse(payload);
  return await emailSend.handler(parsed, createTaskContext({ taskId, idempotencyKey: taskId }));
}

// email.send through the real SES v2 client against moto 5.2.1, with its message ids
// recorded in a real task table.
describe.skipIf(!moto.available && !process.env.CI)('email.send on moto SES v2', () => {
  let backend: Backend;
  const throttle = { next: 0 };

  beforeAll(async () => {
    backend = await startMoto();
    const client = sesClient(backend, throttle);
    await verifyDomain(client, 'shop.example');
    const tableName = uniqueName('email');
    await createTaskTable(backend, tableName);
    installEmailServices({
      transport: new SesMailTransport(client),
      ledger: new DynamoSentLedger({ client: backend.dynamodb, tableName }),
    });
  }, 60_000);
  afterAll(async () => {
    installEmailServices(undefined);
    await backend?.stop();
  });

  it('sends a simple message with cc, bcc, reply-to and tags', async () => {
    const result = await run(
      {
        from: FROM,
        to: 'ada@customers.example',
        cc: ['bob@customers.example'],
        bcc: 'audit@shop.example',
        replyTo: 'help@shop.example',
        subject: 'Your order',
        text: 'It shipped.',
        html: '<p>It <b>shipped</b>.</p>',
        tags: { campaign: 'orders' },
      },
      'task-simple',
    );
    expect(result).toMatchObject({ sent: true, recipients: 3 });
    const mail = await motoMail(backend);
    const stored = mail.simple.find((m) => m.id === result.messageId);
    expect(stored).toMatchObject({ source: FROM, subject: 'Your order' });
    expect(stored?.destinations).toEqual({
      ToAddresses: ['ada@customers.example'],
      CcAddresses: ['bob@customers.example'],
      BccAddresses: ['audit@shop.example'],
    });
  });

  it('sends a raw MIME message when there are attachments, without a Bcc header', async () => {
    const result = await run(
      {
        from: FROM,
        to: ['ada@customers.example'],
        bcc: ['audit@shop.example'],
        subject: 'Invoice',
        text: 'Attached.',
        attachments: [
          {
            filename: 'invoice.csv',
            contentType: 'text/csv',
            contentBase64: Buffer.from('item,price\nbook,12\n').toString('base64'),
          },
        ],
      },
      'task-raw',
    );
    const stored = (await motoMail(backend)).raw.find((m) => m.id === result.messageId);
    expect(stored?.raw_data).toContain('Subject: Invoice');
    expect(stored?.raw_data).toContain('filename=invoice.csv');
    expect(stored?.raw_data).not.toMatch(/^bcc:/im);
    expect(stored?.destinations).toContain('audit@shop.example');
  });

  it('refuses an unverified sender with a permanent error, and records nothing', async () => {
    const payload = {
      from: 'someone@unverified.example',
      to: 'ada@customers.example',
      subject: 'x',
      text: 'y',
    };
    const error = await run(payload, 'task-rejected').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as PermanentError).details).toMatchObject({ sesError: 'MessageRejected' });
    // A second attempt asks SES again: the rejection left no id behind.
    const again = await run(payload, 'task-rejected').catch((e: unknown) => e);
    expect((again as PermanentError).details).toMatchObject({ sesError: 'MessageRejected' });
  });

  it('sends once per task: a retry that finds the recorded id sends nothing', async () => {
    const payload = { from: FROM, to: 'ada@customers.example', subject: 'Once', text: 'only once' };
    const first = await run(payload, 'task-once');
    const second = await run(payload, 'task-once');
    expect(second).toEqual({ ...first, sent: false });
    const copies = (await motoMail(backend)).simple.filter((m) => m.subject === 'Once');
    expect(copies).toHaveLength(1);
  });

  it('makes throttling retryable, then sends once on the retry', async () => {
    const payload = { from: FROM, to: 'ada@customers.example', subject: 'Slow', text: 'down' };
    throttle.next = 1;
    const error = await run(payload, 'task-throttled').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).details).toMatchObject({
      sesError: 'TooManyRequestsException',
    });
    // No fixed delay: the task's backoff spreads the retries below the send rate.
    expect((error as RetryableError).retryAfterMs).toBeUndefined();
    const retried = await run(payload, 'task-throttled');
    expect(retried.sent).toBe(true);
    expect((await motoMail(backend)).simple.filter((m) => m.subject === 'Slow')).toHaveLength(1);
  });

  it("the consumer's lazy transport builds its client from the environment on the first send", async () => {
    // The handler's transport: no client until a message goes, then the SDK's own
    // endpoint, region and credential chain, as in Lambda.
    vi.stubEnv('AWS_ENDPOINT_URL_SESV2', backend.sqsEndpoint);
    vi.stubEnv('AWS_REGION', TEST_REGION);
    vi.stubEnv('AWS_ACCESS_KEY_ID', TEST_CREDENTIALS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', TEST_CREDENTIALS.secretAccessKey);
    try {
      const transport = lazySesTransport();
      const message = {
        from: FROM,
        to: ['lazy@customers.example'],
        cc: [],
        bcc: [],
        replyTo: [],
        subject: 'Lazy',
        text: 'Loaded on demand.',
        tags: {},
        idempotencyKey: 'lazy-1',
      };
      const first = await transport.send(message);
      const second = await transport.send({ ...message, idempotencyKey: 'lazy-2' });
      const sent = (await motoMail(backend)).simple.filter((m) => m.subject === 'Lazy');
      expect(sent.map((m) => m.id).sort()).toEqual([first.messageId, second.messageId].sort());
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
