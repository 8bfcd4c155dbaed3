import * as z from 'zod';
import { ConfigError } from './errors.js';

/** One queue as the functions' environment lists it (`TASKPIPE_QUEUES`). */
export const queueRouteSchema = z.object({
  priority: z.string().min(1),
  name: z.string().min(1),
  url: z.url(),
  dlqUrl: z.url(),
  fifo: z.boolean().default(false),
});

const jsonText = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a JSON array of queue routes' });
    return z.NEVER;
  }
});

/** `TASKPIPE_QUEUES`: a JSON array of at least one queue route. */
export const queueRoutesEnvSchema = jsonText.pipe(z.array(queueRouteSchema).min(1));

/**
 * Parses an environment with `schema`, reporting every bad variable with its value in one
 * {@link ConfigError}.
 */
export function parseEnv<T extends z.ZodType>(
  schema: T,
  env: Record<string, string | undefined>,
  what: string,
): z.output<T> {
  // One parse per cold start: compiling zod's generated fast path for it costs more than
  // it saves, and that compile is on every function's init.
  const parsed = schema.safeParse(env, { jitless: true });
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    `invalid ${what} environment`,
    parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '(env)');
      return `${issue.path.join('.')}: ${issue.message} (got ${JSON.stringify(env[name] ?? null)})`;
    }),
  );
}
