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

/** `TASKPIPE_TABLE_NAME`: the task table's name. */
export const tableNameEnvSchema = z.string().min(3).max(255);
/** `TASKPIPE_RETENTION_DAYS`: days a task item is kept after its last write. */
export const retentionDaysEnvSchema = z.coerce.number().int().min(1).max(3650).default(30);

/** One setting: the environment variable it is read from, and the schema it must meet. */
type Setting = readonly [variable: string, schema: z.ZodType];
type Settings<S extends Record<string, Setting>> = { [K in keyof S]: z.output<S[K][1]> };

/**
 * A function's settings parser: each setting is read from its own environment variable
 * with its schema, once per cold start, and every bad variable is reported with its value
 * in one {@link ConfigError} (see {@link parseEnv}).
 */
export function envSettings<S extends Record<string, Setting>>(
  what: string,
  settings: S,
): (env: Record<string, string | undefined>) => Settings<S> {
  const schema = z.object(Object.fromEntries(Object.values(settings)));
  return (env) => {
    const parsed = parseEnv(schema, env, what) as Record<string, unknown>;
    const entries = Object.entries(settings).map(([key, [variable]]) => [key, parsed[variable]]);
    return Object.fromEntries(entries) as Settings<S>;
  };
}
