import * as z from 'zod';
import { WEBHOOK_KINDS } from '../definition/alarms.js';
import { ConfigError } from '../functions/core/errors.js';

const port = z.coerce.number().int().min(0).max(65_535);

const localEnvSchema = z.object({
  PORT: port.default(3000),
  TASKPIPE_SQS_PORT: port.default(4566),
  TASKPIPE_DYNAMODB_PORT: port.default(8000),
  /** The operator console, on 127.0.0.1. */
  TASKPIPE_CONSOLE_PORT: port.default(3001),
  /** Hides and refuses the console's actions (docs/console.md). */
  TASKPIPE_CONSOLE_READ_ONLY: z.stringbool().default(false),
  TASKPIPE_LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']).default('WARN'),
  /** Where local alarms go; without it they are printed. */
  TASKPIPE_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  TASKPIPE_WEBHOOK_KIND: z.enum(WEBHOOK_KINDS).default('generic'),
  /** Where to write the state file the CLI reads (tests run several runtimes at once). */
  TASKPIPE_STATE_FILE: z.string().min(1).optional(),
  /** Length of one local alarm evaluation period. */
  TASKPIPE_ALARM_PERIOD_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
  /** Keeps state across restarts, as `--data-dir` (which wins); see docs/persistence.md. */
  TASKPIPE_DATA_DIR: z.string().optional(),
});

export type LocalEnv = z.infer<typeof localEnvSchema>;

/** The local runtime's settings, from the environment, checked once. */
export function parseLocalEnv(env: Record<string, string | undefined>): LocalEnv {
  const parsed = localEnvSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    'invalid local runtime settings',
    parsed.error.issues.map((i) => {
      const name = String(i.path[0]);
      return `${name}: ${i.message} (got ${JSON.stringify(env[name])})`;
    }),
  );
}
