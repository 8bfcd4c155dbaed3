import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { etlRegistry } from '../../examples/etl/main.js';
import { migrationTasks, startMigration } from '../../examples/etl/migrate.js';
import { LocalPipeline } from '../../local/LocalPipeline.js';
import { pollUntil } from '../helpers/poll.js';

// examples/etl against the local runtime: a group of table copies, then one report.
describe('examples/etl', () => {
  let pipeline: LocalPipeline;
  beforeAll(async () => {
    pipeline = await LocalPipeline.start({
      ports: { api: 0, sqs: 0, dynamodb: 0 },
      registry: etlRegistry,
      logLevel: 'SILENT',
    });
  });
  afterAll(async () => pipeline?.stop());

  it('copies every table, then reports once with the copies and the failure', async () => {
    const api = pipeline.info.apiUrl!;
    const { groupId, reportTaskId } = await startMigration(
      api,
      'nightly',
      migrationTasks(12, { broken: 3 }),
    );
    const report = await pollUntil(
      async () =>
        (await (await fetch(`${api}/tasks/${reportTaskId}`)).json()) as {
          status?: string;
          result?: Record<string, unknown>;
          attempts?: number;
        },
      (t) => t.status === 'SUCCEEDED',
      { what: 'the migration report', timeoutMs: 30_000 },
    );
    expect(report.attempts).toBe(1);
    expect(report.result).toMatchObject({
      migration: 'nightly',
      tables: 12,
      failed: [`${groupId}.3`],
      rows: 78_000 - 4_000,
    });
    expect(report.result?.copied).toHaveLength(11);
    expect(pipeline.metrics.counts.get('etl.report:succeeded')).toBe(1);
  });
});
