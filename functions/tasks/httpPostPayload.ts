import * as z from 'zod';
import { httpUrlSchema } from '../core/httpUrlSchema.js';

/** The task's own timeout, and the ceiling of a payload's `timeoutMs`. */
export const HTTP_POST_TIMEOUT_MS = 30_000;

/**
 * Header names a payload may not set: hop-by-hop headers belong to one connection, not to
 * the request; `host` and `content-length` are derived by the client; `content-type` and
 * `idempotency-key` are set by the task and must not be overridden.
 */
export const FORBIDDEN_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'content-type',
  'idempotency-key',
]);

// RFC 9110 token characters.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;
// Printable ASCII and tab only: a CR or LF would split the header, and fetch would throw.
const HEADER_VALUE = /^[\t\x20-\x7e]{0,4096}$/;

const headerName = z
  .string()
  .regex(HEADER_NAME, 'must be an HTTP token of 1–128 characters')
  .refine((name) => !FORBIDDEN_HEADERS.has(name.toLowerCase()), {
    message: `must not be one of ${[...FORBIDDEN_HEADERS].join(', ')}`,
  });

const headerValue = z
  .string()
  .regex(HEADER_VALUE, 'must be at most 4096 printable ASCII characters');

// fetch refuses URLs with credentials, and they would end up in logs and status records.
const url = httpUrlSchema('must not embed credentials; send them in a header');

/** Payload of `http.post`. */
export const httpPostPayloadSchema = z.object({
  url,
  body: z.json(),
  headers: z
    .record(headerName, headerValue)
    .refine((headers) => Object.keys(headers).length <= 50, 'must have at most 50 entries')
    .optional(),
  timeoutMs: z.number().int().min(100).max(HTTP_POST_TIMEOUT_MS).optional(),
  /**
   * Sign the body (docs/callbacks.md) with the key in Secrets Manager secret `secretName`,
   * or locally, without one, the development key; signed when sent, so each try is fresh.
   */
  sign: z.strictObject({ secretName: z.string().min(1).max(512).optional() }).optional(),
});

/** A parsed `http.post` payload. */
export type HttpPostPayload = z.output<typeof httpPostPayloadSchema>;
