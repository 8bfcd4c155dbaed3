import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageText } from '../../../cli/commands/outbox.js';
import { LocalPipeline } from '../../../local/LocalPipeline.js';
import { pollUntil } from '../../helpers/poll.js';

interface Received {
  from: string;
  to: string[];
  data: string;
}

/** A real SMTP server on loopback that keeps what it receives. */
async function startSmtp(): Promise<{
  url: string;
  received: Received[];
  close: () => Promise<void>;
}> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as { port: number };
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function enqueue(api: string, payload: unknown): Promise<string> {
  const res = await fetch(`${api}/tasks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'email.send', payload }),
  });
  const body = (await res.json()) as { taskId?: string; error?: { message: string } };
  if (!body.taskId) throw new Error(`enqueue answered ${res.status}: ${body.error?.message}`);
  return body.taskId;
}

async function settled(api: string, id: string) {
  return pollUntil(
    async () =>
      (await (await fetch(`${api}/tasks/${id}`)).json()) as {
        status?: string;
        result?: { messageId: string; sent: boolean };
        lastError?: { message: string };
      },
    (t) => t.status === 'SUCCEEDED' || t.status === 'FAILED',
    { what: `task ${id}`, timeoutMs: 30_000 },
  );
}

const ports = { api: 0, sqs: 0, dynamodb: 0 };

describe('email.send in the local runtime, without SMTP_URL: the outbox', () => {
  let pipeline: LocalPipeline;
  beforeAll(async () => {
    pipeline = await LocalPipeline.start({ ports, logLevel: 'SILENT' });
  }, 60_000);
  afterAll(async () => pipeline?.stop());

  it('keeps the message, markup as it was sent, and shows it as text', async () => {
    const api = pipeline.info.apiUrl!;
    const id = await enqueue(api, {
      from: 'shop@example.com',
      to: ['ada@example.com'],
      subject: 'Hello <b>Ada</b>',
      html: '<script>alert(1)</script><p>Hi</p>',
    });
    const task = await settled(api, id);
    expect(task.status).toBe('SUCCEEDED');
    const stored = pipeline.email.outbox.get(task.result!.messageId)!;
    expect(stored).toMatchObject({ to: ['ada@example.com'], subject: 'Hello <b>Ada</b>' });
    expect(messageText(stored)).toContain('<script>alert(1)</script><p>Hi</p>');
    expect(pipeline.info.outboxDir).toBe(pipeline.email.outbox.dir);
  });

  it('keeps a templated message with its template name and data', async () => {
    const api = pipeline.info.apiUrl!;
    const id = await enqueue(api, {
      from: 'shop@example.com',
      to: 'bob@example.com',
      template: { name: 'order-shipped', data: { order: 42 } },
    });
    const task = await settled(api, id);
    const listed = pipeline.email.outbox.list().find((m) => m.id === task.result!.messageId);
    expect(listed).toMatchObject({ template: 'order-shipped', to: ['bob@example.com'] });
    expect(pipeline.email.outbox.get(listed!.id)?.template).toEqual({
      name: 'order-shipped',
      data: { order: 42 },
    });
  });

  it('refuses a bad payload at the API with what was wrong', async () => {
    const res = await fetch(`${pipeline.info.apiUrl}/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'email.send', payload: { from: 'x', to: 'y@example.com' } }),
    });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toContain('from');
    expect(text).toContain('must be an email address');
    expect(text).toContain('subject');
  });
});

describe('email.send in the local runtime, with SMTP_URL: a real SMTP server', () => {
  let pipeline: LocalPipeline;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  beforeAll(async () => {
    smtp = await startSmtp();
    pipeline = await LocalPipeline.start({ ports, logLevel: 'SILENT', smtpUrl: smtp.url });
  }, 60_000);
  afterAll(async () => {
    await pipeline?.stop();
    await smtp?.close();
  });

  it('delivers through nodemailer: the server receives the envelope and both parts', async () => {
    const api = pipeline.info.apiUrl!;
    const id = await enqueue(api, {
      from: 'Shop <shop@example.com>',
      to: 'ada@example.com',
      bcc: ['audit@example.com'],
      replyTo: 'help@example.com',
      subject: 'Your receipt',
      text: 'Thanks, Ada.',
      html: '<p>Thanks, <b>Ada</b>.</p>',
    });
    const task = await settled(api, id);
    expect(task.status).toBe('SUCCEEDED');
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail!.from).toBe('shop@example.com');
    expect(mail!.to.sort()).toEqual(['ada@example.com', 'audit@example.com']);
    expect(mail!.data).toContain('Subject: Your receipt');
    expect(mail!.data).toContain('Reply-To: help@example.com');
    expect(mail!.data).toContain('Thanks, Ada.');
    expect(mail!.data).toContain(`X-Taskpipe-Idempotency-Key: ${id}`);
    expect(mail!.data).not.toMatch(/^bcc:/im);
    expect(pipeline.email.outbox.list()).toEqual([]);
  });

  it('fails a templated message for good: an SMTP server cannot render SES templates', async () => {
    const api = pipeline.info.apiUrl!;
    const id = await enqueue(api, {
      from: 'shop@example.com',
      to: 'ada@example.com',
      template: { name: 'receipt' },
    });
    const task = await settled(api, id);
    expect(task.status).toBe('FAILED');
    expect(task.lastError?.message).toContain('unset SMTP_URL');
  });
});
