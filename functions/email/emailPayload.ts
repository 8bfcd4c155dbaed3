import * as z from 'zod';

/** SES refuses a message with more than 50 recipients (to, cc and bcc together). */
export const MAX_RECIPIENTS = 50;
/** Text and HTML bodies together; SES's limit on a whole message is 40 MB, ours is smaller. */
export const MAX_BODY_CHARS = 256_000;
/** Attachments make a raw message; their decoded bytes together stay under this. */
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;

// A bare address, or `Display Name <address>`. No CR or LF anywhere: they would add headers.
const BARE = /^[^\s<>@",;]+@[^\s<>@",;]+\.[^\s<>@",;]+$/;
const NAMED = /^([^<>\r\n"]{0,200}|"[^"\r\n]{0,200}") ?<([^<>]+)>$/;

/** `a@example.com` or `Ops <a@example.com>`; the address part is checked either way. */
export const emailAddressSchema = z
  .string()
  .max(320)
  .refine(
    (value) => {
      if (/[\r\n]/.test(value)) return false;
      const named = NAMED.exec(value);
      return BARE.test(named ? (named[2] ?? '') : value);
    },
    { message: 'must be an email address (a@example.com or "Name <a@example.com>")' },
  );

const addresses = z.union([emailAddressSchema, z.array(emailAddressSchema).min(1)]);

/** One line of header text: no CR or LF, which would start another header. */
const headerLine = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((s) => !/[\r\n]/.test(s), { message: 'must be one line (no CR or LF)' });

// SES tag names and values, and template names.
const SES_NAME = /^[A-Za-z0-9_-]{1,256}$/;

const attachmentSchema = z.object({
  filename: headerLine(255),
  contentType: z
    .string()
    .regex(/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i, 'must be a MIME type like text/csv')
    .default('application/octet-stream'),
  /** The file's bytes, base64-encoded. */
  contentBase64: z.base64(),
});

/** Payload of `email.send`. */
export const emailSendPayloadSchema = z
  .object({
    /** A verified SES identity (the address or its domain). */
    from: emailAddressSchema,
    to: addresses,
    cc: addresses.optional(),
    bcc: addresses.optional(),
    replyTo: addresses.optional(),
    subject: headerLine(998).optional(),
    text: z.string().min(1).optional(),
    html: z.string().min(1).optional(),
    /** An SES template and its data, instead of subject, text and html. */
    template: z
      .object({
        name: z.string().regex(SES_NAME, 'must be an SES template name (letters, digits, _ and -)'),
        data: z.record(z.string(), z.json()).default({}),
      })
      .optional(),
    /** SES message tags (name → value), for the configuration set's event destinations. */
    tags: z
      .record(
        z.string().regex(SES_NAME, 'tag names are letters, digits, _ and - (1–256)'),
        z.string().regex(SES_NAME, 'tag values are letters, digits, _ and - (1–256)'),
      )
      .refine((t) => Object.keys(t).length <= 50, 'must have at most 50 tags')
      .optional(),
    configurationSet: z
      .string()
      .regex(SES_NAME, 'must be an SES configuration set name')
      .optional(),
    attachments: z.array(attachmentSchema).min(1).max(10).optional(),
  })
  .superRefine((p, ctx) => {
    const recipients = [p.to, p.cc, p.bcc].flatMap((a) => (a === undefined ? [] : [a].flat()));
    if (recipients.length > MAX_RECIPIENTS) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `to, cc and bcc list ${recipients.length} recipients; SES takes at most ${MAX_RECIPIENTS} per message`,
      });
    }
    if (p.template) {
      for (const field of ['subject', 'text', 'html', 'attachments'] as const) {
        if (p[field] !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [field],
            message: 'must be left out with a template: the template holds the content',
          });
        }
      }
      return;
    }
    if (p.subject === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['subject'],
        message: 'is required without a template',
      });
    }
    if (p.text === undefined && p.html === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['text'],
        message: 'give text, html or both (or a template instead of subject, text and html)',
      });
    }
    if ((p.text?.length ?? 0) + (p.html?.length ?? 0) > MAX_BODY_CHARS) {
      ctx.addIssue({
        code: 'custom',
        path: ['html'],
        message: `text and html together must be at most ${MAX_BODY_CHARS} characters`,
      });
    }
    const bytes = (p.attachments ?? []).reduce(
      (n, a) => n + Buffer.byteLength(a.contentBase64, 'base64'),
      0,
    );
    if (bytes > MAX_ATTACHMENT_BYTES) {
      ctx.addIssue({
        code: 'custom',
        path: ['attachments'],
        message: `attachments hold ${bytes} bytes; at most ${MAX_ATTACHMENT_BYTES} are allowed`,
      });
    }
  });

/** A parsed `email.send` payload. */
export type EmailSendPayload = z.output<typeof emailSendPayloadSchema>;
