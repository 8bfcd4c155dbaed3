import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monotonicFactory } from 'ulid';
import type { MailTransport, OutgoingEmail, SentEmail } from '../../functions/email/ports.js';

/** One message as the outbox keeps it; attachments by name, type and size only. */
export type OutboxMessage = Omit<
  OutgoingEmail,
  'attachments' | 'configurationSet' | 'idempotencyKey'
> & {
  id: string;
  /** When it was sent, ISO 8601. */
  at: string;
  /** An SES template is not rendered locally: its name and data are kept as sent. */
  template?: OutgoingEmail['template'];
  attachments: { filename: string; contentType: string; bytes: number }[];
  /** What sent it: the email.send task's id, or an alarm's dedupe key. */
  key?: string;
};

/** A line of the outbox list. */
export type OutboxSummary = Pick<OutboxMessage, 'id' | 'at' | 'from' | 'to' | 'subject' | 'key'> & {
  template?: string;
};

// ULIDs: an id that is not one never reaches the file system (no path in a name).
const ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const nextId = monotonicFactory();

/**
 * The local runtime's mail without `SMTP_URL`: one JSON file per message in a directory
 * (in the data dir with `--data-dir`). `taskpipe outbox` and the console read it.
 */
export class Outbox implements MailTransport {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  async send(message: OutgoingEmail): Promise<SentEmail> {
    const id = nextId();
    const stored: OutboxMessage = {
      id,
      at: new Date().toISOString(),
      from: message.from,
      to: message.to,
      cc: message.cc,
      bcc: message.bcc,
      replyTo: message.replyTo,
      ...(message.subject !== undefined ? { subject: message.subject } : {}),
      ...(message.text !== undefined ? { text: message.text } : {}),
      ...(message.html !== undefined ? { html: message.html } : {}),
      ...(message.template ? { template: message.template } : {}),
      attachments: (message.attachments ?? []).map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        bytes: Buffer.byteLength(a.contentBase64, 'base64'),
      })),
      tags: message.tags,
      key: message.idempotencyKey,
    };
    // Written whole, then renamed: a reader never sees half a message.
    const file = join(this.dir, `${id}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify(stored), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
    return { messageId: id };
  }

  /** The newest `limit` messages, newest first. */
  list(limit = 100): OutboxSummary[] {
    return readOutbox(this.dir, limit);
  }

  /** One message, or undefined for an unknown or malformed id. */
  get(id: string): OutboxMessage | undefined {
    return readOutboxMessage(this.dir, id);
  }
}

/** The newest `limit` messages of the outbox in `dir`, newest first. */
export function readOutbox(dir: string, limit = 100): OutboxSummary[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const ids = names.map((n) => n.slice(0, -5)).filter((id) => ID.test(id));
  return ids
    .sort()
    .reverse()
    .slice(0, limit)
    .flatMap((id) => {
      const m = readOutboxMessage(dir, id);
      if (!m) return [];
      const summary: OutboxSummary = { id: m.id, at: m.at, from: m.from, to: m.to };
      if (m.subject !== undefined) summary.subject = m.subject;
      if (m.template) summary.template = m.template.name;
      if (m.key !== undefined) summary.key = m.key;
      return [summary];
    });
}

/** One message of the outbox in `dir`. */
export function readOutboxMessage(dir: string, id: string): OutboxMessage | undefined {
  if (!ID.test(id)) return undefined;
  try {
    return JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8')) as OutboxMessage;
  } catch {
    return undefined;
  }
}
