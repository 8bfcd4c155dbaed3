import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignEmails, recipients, sendCampaign } from '../../examples/bulk-email/campaign.js';
import { bulkEmailRegistry } from '../../examples/bulk-email/main.js';
import { LocalPipeline } from '../../local/LocalPipeline.js';
import { pollUntil } from '../helpers/poll.js';

// examples/bulk-email against the local runtime: 1,000 emails as a group, then one summary.
describe('examples/bulk-email', () => {
  let pipeline: LocalPipeline;
  beforeAll(async () => {
    pipeline = await LocalPipeline.start({
      ports: { api: 0, sqs: 0, dynamodb: 0 },
      registry: bulkEmailRegistry,
      logLevel: 'SILENT',
    });
  }, 60_000);
  afterAll(async () => pipeline?.stop());

  it('sends every email once, personalised, then summarises once', async () => {
    const api = pipeline.info.apiUrl!;
    const emails = campaignEmails('spring', 'Shop <shop@example.com>', recipients(1_000));
    const { summaryTaskId } = await sendCampaign(api, 'spring', emails);
    const summary = await pollUntil(
      async () =>
        (await (await fetch(`${api}/tasks/${summaryTaskId}`)).json()) as {
          status?: string;
          result?: Record<string, unknown>;
          attempts?: number;
        },
      (t) => t.status === 'SUCCEEDED',
      { what: 'the campaign summary', timeoutMs: 240_000, intervalMs: 500 },
    );
    expect(summary.attempts).toBe(1);
    expect(summary.result).toEqual({ campaign: 'spring', emails: 1_000, sent: 1_000, failed: [] });
    const outbox = pipeline.email.outbox.list(2_000);
    expect(outbox).toHaveLength(1_000);
    expect(new Set(outbox.map((m) => m.to[0])).size).toBe(1_000);
    const one = outbox.find((m) => m.to[0] === 'Customer 7 <customer7@example.com>');
    expect(one?.subject).toBe('Customer 7, your spring offer');
    expect(pipeline.metrics.counts.get('bulk-email.summary:succeeded')).toBe(1);
  }, 300_000);
});
