import { setTimeout as sleep } from 'node:timers/promises';
import * as z from 'zod';
import { PermanentError } from '../../functions/core/errors.js';
import { defineTask } from '../../functions/core/task.js';

/** One table to migrate; `rows` stands in for the source table's size. */
export const copyTablePayload = z.object({
  table: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be a lowercase table name'),
  rows: z.number().int().min(0).max(1_000_000),
  /** Simulates a source that cannot be read: the copy fails for good. */
  broken: z.boolean().optional(),
});

/**
 * `etl.copy-table`: copies one table (simulated: a short pause per thousand rows). In a real
 * pipeline this reads the source in pages and writes the target, passing `ctx.idempotencyKey`
 * downstream so a retried copy does not load twice.
 */
export const copyTable = defineTask({
  type: 'etl.copy-table',
  schema: copyTablePayload,
  maxAttempts: 3,
  handler: async ({ table, rows, broken }, ctx) => {
    if (broken) throw new PermanentError(`source table ${table} cannot be read`);
    await sleep(Math.min(200, rows / 1_000), undefined, { signal: ctx.signal });
    return { table, rows };
  },
});

/**
 * `etl.report`: the group's follow-up. Runs once every copy ended, and reads the group's
 * counts, failed copies and each copy's result.
 */
export const migrationReport = defineTask({
  type: 'etl.report',
  schema: z.object({ migration: z.string().min(1).max(128) }),
  handler: async ({ migration }, ctx) => {
    const fanIn = await ctx.fanIn();
    if (!fanIn) throw new PermanentError('etl.report runs as a group follow-up only');
    let rows = 0;
    const copied: string[] = [];
    for (let offset: number | undefined = 0; offset !== undefined; ) {
      const page = await fanIn.members({ offset, limit: 100 });
      for (const member of page.members) {
        const result = member.result as { table?: string; rows?: number } | undefined;
        if (member.status === 'SUCCEEDED' && result?.table) {
          copied.push(result.table);
          rows += result.rows ?? 0;
        }
      }
      offset = page.nextOffset;
    }
    ctx.logger.info('migration report', { migration, tables: fanIn.total, failed: fanIn.failed });
    return {
      migration,
      tables: fanIn.total,
      copied: copied.sort(),
      failed: fanIn.failedIds,
      rows,
    };
  },
});
