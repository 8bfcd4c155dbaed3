import { setTimeout as sleep } from 'node:timers/promises';
import { createRegistry } from '../../functions/core/registry.js';
import { tasks as appTasks } from '../../functions/tasks/index.js';
import { LocalPipeline } from '../../local/LocalPipeline.js';
import { bulkEmailSummary } from './bulkEmailTasks.js';
import { campaignEmails, recipients, sendCampaign } from './campaign.js';

/** The application's task types (email.send among them) plus the summary. */
export const bulkEmailRegistry = createRegistry([...appTasks, bulkEmailSummary]);

// `npx tsx examples/bulk-email/main.ts [count]`: the local runtime (as `npm start` runs it,
// email to the outbox or SMTP_URL), one campaign of N emails, and its summary.
async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 1_000);
  const pipeline = await LocalPipeline.start({
    ports: { api: 0, sqs: 0, dynamodb: 0 },
    registry: bulkEmailRegistry,
    logLevel: 'WARN',
    ...(process.env.SMTP_URL ? { smtpUrl: process.env.SMTP_URL } : {}),
  });
  try {
    const apiUrl = pipeline.info.apiUrl!;
    const emails = campaignEmails('spring', 'Shop <shop@example.com>', recipients(count));
    const { groupId, summaryTaskId } = await sendCampaign(apiUrl, 'spring', emails);
    process.stdout.write(`campaign group ${groupId}: ${count} emails sending…\n`);
    for (let i = 0; i < 3_000; i++) {
      const res = await fetch(new URL(`/tasks/${summaryTaskId}`, apiUrl));
      const task = (await res.json()) as { status?: string; result?: unknown };
      if (task.status === 'SUCCEEDED') {
        process.stdout.write(`summary: ${JSON.stringify(task.result, null, 2)}\n`);
        process.stdout.write(`outbox: ${pipeline.info.outboxDir}\n`);
        return;
      }
      await sleep(100);
    }
    throw new Error('the summary did not run within five minutes');
  } finally {
    await pipeline.stop();
  }
}

if (process.argv[1]?.endsWith('main.ts')) {
  main().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = 1;
  });
}
