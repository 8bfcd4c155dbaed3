import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { MAX_DELAY_SECONDS } from '../../functions/core/service/requests.js';
import { runCommand } from '../context.js';
import { UsageError } from '../errors.js';
import { integer, lowerCase } from '../options.js';

interface EnqueueOptions {
  payload?: string;
  priority?: string;
  idempotencyKey?: string;
  delay?: number;
  maxAttempts?: number;
}

/**
 * `taskpipe enqueue`: through `TaskService.enqueue`, the code path behind `POST /tasks`. It
 * writes the status row (with the payload) before sending, so `status` finds the task at
 * once and `retry` can requeue it if it fails, which a direct-to-SQS producer cannot offer.
 */
export function registerEnqueue(program: Command): void {
  program
    .command('enqueue')
    .description('enqueue a task (validated against its type, recorded QUEUED, then sent)')
    .argument('<type>', 'task type, e.g. noop, http.post, logs.summarize')
    .option('--payload <json|@file>', 'the payload as JSON, or @path to read it from a file', '{}')
    .option('--priority <priority>', 'queue priority (high, default, low; any case)', lowerCase)
    .option('--idempotency-key <key>', 'the same key gives the same task; nothing is sent twice')
    .option(
      '--delay <seconds>',
      `delay before the first delivery (0–${MAX_DELAY_SECONDS})`,
      integer(0, MAX_DELAY_SECONDS),
    )
    .option(
      '--max-attempts <n>',
      'attempts before the task fails (default: the type’s)',
      integer(1, 100),
    )
    .action((type: string, opts: EnqueueOptions, command: Command) =>
      runCommand(command, async (ctx) => {
        const payload = await readPayload(opts.payload ?? '{}');
        const { service } = await ctx.target();
        const result = await service.enqueue({
          type,
          payload,
          ...(opts.priority ? { priority: opts.priority } : {}),
          ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}),
          ...(opts.delay ? { delaySeconds: opts.delay } : {}),
          ...(opts.maxAttempts ? { maxAttempts: opts.maxAttempts } : {}),
        });
        const { record } = result;
        ctx.out.result(
          {
            taskId: result.taskId,
            status: result.status,
            deduplicated: result.deduplicated,
            type: record.type,
            priority: record.priority,
          },
          () =>
            result.deduplicated
              ? `${result.taskId}  already exists (same idempotency key): ${result.status}`
              : `${result.taskId}  ${result.status}  (${record.type}, priority ${record.priority})`,
        );
      }),
    );
}

export async function readPayload(text: string): Promise<unknown> {
  let json = text;
  if (text.startsWith('@')) {
    const file = text.slice(1);
    try {
      json = await readFile(file, 'utf8');
    } catch (error) {
      throw new UsageError(
        `--payload: cannot read ${file} (${(error as NodeJS.ErrnoException).code})`,
      );
    }
  }
  try {
    return JSON.parse(json);
  } catch (error) {
    throw new UsageError(`--payload is not JSON: ${(error as Error).message}`);
  }
}
