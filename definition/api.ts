import * as z from 'zod';
import { MAX_PAYLOAD_LIMIT_BYTES } from '../functions/api/config.js';
import { DEFAULT_MAX_PAYLOAD_BYTES } from '../functions/core/service/prepareTask.js';
import { logRetentionDaysSchema } from './logRetention.js';

/** API Gateway gives up on an HTTP API integration after 30 s; the function must finish first. */
export const API_MAX_TIMEOUT_SECONDS = 29;

/**
 * Who may call the HTTP API. Every route is authorized: IAM (SigV4-signed requests) by
 * default, or JWTs from an OpenID Connect / OAuth 2.0 issuer.
 */
export const apiAuthorizationSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('iam') }),
  z.strictObject({
    type: z.literal('jwt'),
    /** The token issuer, e.g. https://cognito-idp.<region>.amazonaws.com/<pool id>. */
    issuer: z.url({ protocol: /^https$/, error: 'must be an https:// issuer URL' }),
    /** Accepted `aud` (or, for Cognito access tokens, `client_id`) values. */
    audience: z.array(z.string().min(1)).min(1),
  }),
]);

/** The HTTP API in front of the task service (DESIGN §1), and its function. */
export const apiSchema = z.strictObject({
  authorization: apiAuthorizationSchema.default({ type: 'iam' }),
  /** Stage-wide limits for every route; HTTP APIs have no API keys or usage plans. */
  throttling: z
    .strictObject({
      /** Steady-state requests per second. */
      rateLimit: z.number().min(1).max(10_000).default(100),
      /** Requests allowed in a burst. */
      burstLimit: z.number().int().min(1).max(5_000).default(200),
    })
    .prefault({}),
  /** Largest task payload accepted, as JSON bytes (413 above it). */
  maxPayloadBytes: z
    .number()
    .int()
    .min(1_024)
    .max(MAX_PAYLOAD_LIMIT_BYTES)
    .default(DEFAULT_MAX_PAYLOAD_BYTES),
  timeoutSeconds: z.number().int().min(1).max(API_MAX_TIMEOUT_SECONDS).default(10),
  memoryMb: z.number().int().min(128).max(10_240).default(512),
  logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
  /** Retention of the function's log group. */
  logRetentionDays: logRetentionDaysSchema.default(30),
  /** Retention of the stage's access log group. */
  accessLogRetentionDays: logRetentionDaysSchema.default(30),
});

export type ApiDefinition = z.output<typeof apiSchema>;
export type ApiAuthorization = z.output<typeof apiAuthorizationSchema>;
