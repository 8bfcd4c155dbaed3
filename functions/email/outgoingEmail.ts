import type { EmailSendPayload } from './emailPayload.js';
import type { OutgoingEmail } from './ports.js';

function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : [value].flat();
}

/** The message an `email.send` payload describes, keyed for idempotency by `key`. */
export function outgoingEmail(payload: EmailSendPayload, key: string): OutgoingEmail {
  return {
    from: payload.from,
    to: list(payload.to),
    cc: list(payload.cc),
    bcc: list(payload.bcc),
    replyTo: list(payload.replyTo),
    ...(payload.subject !== undefined ? { subject: payload.subject } : {}),
    ...(payload.text !== undefined ? { text: payload.text } : {}),
    ...(payload.html !== undefined ? { html: payload.html } : {}),
    ...(payload.template ? { template: payload.template } : {}),
    ...(payload.attachments ? { attachments: payload.attachments } : {}),
    tags: payload.tags ?? {},
    ...(payload.configurationSet ? { configurationSet: payload.configurationSet } : {}),
    idempotencyKey: key,
  };
}
