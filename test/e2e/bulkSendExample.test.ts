import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summaryFollowUp } from '../../examples/bulk-send/bulkSendTasks.js';
import { campaignEmails, recipients, sendCampaign } from '../../examples/bulk-send/campaign.js';
import { bulkSendRegistry, developmentKey } from '../../examples/bulk-send/main.js';
import { startReceiver } from '../../examples/bulk-send/receiver.js';
import { LocalPipeline } from '../../local/LocalPipeline.js';
import { pollUntil } from '../helpers/poll.js';

// examples/bulk-send against the local runtime: 1,000 emails as a group, then one summary
// and one signed callback to the example's receiver.
describe('examples/bulk-send', () => {
  let pipeline: LocalPipeline;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const printed: string[] = [];
  beforeAll(async () => {
    pipeline = await LocalPipeline.start({
      ports: { api: 0, sqs: 0, dynamodb: 0 },
      registry: bulkSendRegistry,
      logLevel: 'SILENT',
    });
    receiver = await startReceiver(await developmentKey(pipeline), (line) => printed.push(line));
  }, 60_000);
  afterAll(async () => {
    await receiver?.close();
    await pipeline?.stop();
  });

  it('sends every email once, personalised, then summarises once and calls back once, signed', async () => {
    const api = pipeline.info.apiUrl!;
    const emails = campaignEmails('spring', 'Shop <shop@example.com>', recipients(1_000));
    const { groupId, summaryTaskId } = await sendCampaign(api, emails, {
      onComplete: summaryFollowUp('spring'),
      callbackUrl: receiver.url,
    });
    const get = async (path: string) =>
      (await (await fetch(`${api}${path}`)).json()) as Record<string, unknown>;
    const summary = await pollUntil(
      () => get(`/tasks/${summaryTaskId}`),
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
    expect(pipeline.metrics.counts.get('bulk-send.summary:succeeded')).toBe(1);

    // The callback task ended: every POST it made has reached the receiver.
    const group = await get(`/groups/${groupId}`);
    const { taskId } = group.callback as { taskId: string };
    const callbackTask = await pollUntil(
      () => get(`/tasks/${taskId}`),
      (t) => t.status === 'SUCCEEDED' || t.status === 'FAILED',
      { what: 'the callback task', timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(callbackTask).toMatchObject({ type: 'http.post', status: 'SUCCEEDED', attempts: 1 });
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]).toEqual({
      valid: true,
      body: {
        kind: 'group',
        groupId,
        status: 'SUCCEEDED',
        total: 1_000,
        succeeded: 1_000,
        failed: 0,
        failedIds: [],
        finishedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    });
    expect(printed).toEqual([
      expect.stringMatching(/^receiver: valid signature, \{"kind":"group"/),
    ]);
  }, 300_000);
});
