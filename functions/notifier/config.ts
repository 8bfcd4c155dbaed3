import * as z from 'zod';
import { secretNameSchema, WEBHOOK_KINDS } from '../../definition/webhookKinds.js';
import { envSettings } from '../core/envConfig.js';
import { ConfigError } from '../core/errors.js';
import { emailAddressSchema } from '../email/emailPayload.js';
import type { WebhookTarget } from './Notifier.js';
import { StaticSecretProvider } from './StaticSecretProvider.js';

/** One target as `TASKPIPE_WEBHOOK_TARGETS` lists it. */
export const webhookTargetSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'must match ^[a-z][a-z0-9-]{0,63}$'),
  kind: z.enum(WEBHOOK_KINDS),
  secretName: secretNameSchema,
  /** Only these alarms (by name) go to the target; absent: every alarm. */
  alarmNames: z.array(z.string().min(1).max(255)).optional(),
});

/** An email target as `TASKPIPE_WEBHOOK_TARGETS` lists it: addresses, never secrets. */
export const emailTargetSchema = z.object({
  name: webhookTargetSchema.shape.name,
  kind: z.literal('email'),
  addresses: z.array(emailAddressSchema).min(1).max(50),
  from: emailAddressSchema,
  alarmNames: webhookTargetSchema.shape.alarmNames,
});

type TargetConfig = z.output<typeof emailTargetSchema> | z.output<typeof webhookTargetSchema>;

// Chosen by kind, so a chat target with a bad kind still has every other problem reported.
const targetSchema = z.unknown().transform((value, ctx): TargetConfig => {
  const email = (value as { kind?: unknown } | null)?.kind === 'email';
  const parsed = (email ? emailTargetSchema : webhookTargetSchema).safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  }
  return z.NEVER;
});

const targetsJson = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({
        code: 'custom',
        message:
          'must be a JSON array of { name, kind, secretName } or { name, kind: "email", addresses, from }',
      });
      return z.NEVER;
    }
  })
  .pipe(
    z
      .array(targetSchema)
      .min(1)
      .refine(
        (ts) => new Set(ts.map((t) => t.name)).size === ts.length,
        'target names must be unique',
      ),
  );

/** Parses the notifier's Lambda environment, reporting every bad variable with its value. */
export const parseNotifierConfig = envSettings('notifier', {
  targets: ['TASKPIPE_WEBHOOK_TARGETS', targetsJson],
  timeoutMs: [
    'TASKPIPE_WEBHOOK_TIMEOUT_MS',
    z.coerce.number().int().min(100).max(60_000).default(5_000),
  ],
  maxAttempts: ['TASKPIPE_WEBHOOK_MAX_ATTEMPTS', z.coerce.number().int().min(1).max(10).default(3)],
  secretCacheTtlMs: [
    'TASKPIPE_SECRET_CACHE_TTL_MS',
    z.coerce.number().int().min(0).max(3_600_000).default(300_000),
  ],
  serviceName: ['POWERTOOLS_SERVICE_NAME', z.string().min(1).default('taskpipe')],
});

/** The notifier's settings, parsed once at cold start. */
export type NotifierConfig = ReturnType<typeof parseNotifierConfig>;

/** Built on first use: the Lambda never reads a local webhook, so its init skips this. */
const localEnvSchema = () =>
  z.object({
    TASKPIPE_WEBHOOK_URL: z.url({ protocol: /^https?$/ }),
    TASKPIPE_WEBHOOK_KIND: z.enum(WEBHOOK_KINDS).default('generic'),
    TASKPIPE_WEBHOOK_SIGNING_SECRET: z.string().min(1).optional(),
    TASKPIPE_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  });

/** One webhook given straight in the environment, for the local runtime. */
export interface LocalWebhook {
  target: WebhookTarget;
  secrets: StaticSecretProvider;
  timeoutMs: number;
}

/**
 * Reads `TASKPIPE_WEBHOOK_URL` and `TASKPIPE_WEBHOOK_KIND` (default `generic`, optional
 * `TASKPIPE_WEBHOOK_SIGNING_SECRET`) for the local runtime, where there is no Secrets
 * Manager. Returns `undefined` when no URL is set. Never used by the Lambda handler.
 */
export function parseLocalWebhook(
  env: Record<string, string | undefined>,
): LocalWebhook | undefined {
  if (!env.TASKPIPE_WEBHOOK_URL) return undefined;
  const parsed = localEnvSchema().safeParse(env);
  if (!parsed.success) {
    // Unlike other settings, the values are not echoed: the URL and secret are credentials.
    throw new ConfigError(
      'invalid local webhook environment',
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    );
  }
  const e = parsed.data;
  const secretName = 'local-webhook';
  return {
    target: { name: 'local', kind: e.TASKPIPE_WEBHOOK_KIND, secretName },
    secrets: new StaticSecretProvider({
      [secretName]: {
        url: e.TASKPIPE_WEBHOOK_URL,
        ...(e.TASKPIPE_WEBHOOK_SIGNING_SECRET ? { secret: e.TASKPIPE_WEBHOOK_SIGNING_SECRET } : {}),
      },
    }),
    timeoutMs: e.TASKPIPE_WEBHOOK_TIMEOUT_MS,
  };
}
