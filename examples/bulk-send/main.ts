import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRegistry } from '../../functions/core/registry.js';
import { tasks as appTasks } from '../../functions/tasks/index.js';
import { LocalPipeline } from '../../local/LocalPipeline.js';
import { bulkSendSummary, summaryFollowUp } from './bulkSendTasks.js';
import { campaignEmails, recipients, sendCampaign } from './campaign.js';
import { startReceiver } from './receiver.js';

/** The application's task types (email.send and http.post among them) plus the summary. */
export const bulkSendRegistry = createRegistry([...appTasks, bulkSendSummary]);

/** The key the local runtime signs callbacks with (what `taskpipe callbacks key` prints). */
export async function developmentKey(pipeline: LocalPipeline): Promise<string> {
  const file = pipeline.info.callbackKeyFile;
  if (!file) throw new Error('the local runtime has no callback key file');
  return (JSON.parse(await readFile(file, 'utf8')) as { key: string }).key;
}

/** Asks `read` every 100 ms, for up to five minutes, until it answers something. */
async function waitFor<T>(what: string, read: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 3_000; i++) {
    const value = await read();
    if (value !== undefined) return value;
    await sleep(100);
  }
  throw new Error(`${what} did not come within five minutes`);
}

// `npx tsx examples/bulk-send/main.ts [count]`: the local runtime (as `npm start` runs it,
// email to the outbox or SMTP_URL), a receiver for the signed summary, one campaign of N
// emails, its summary task's result and the callback the receiver got.
async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 1_000);
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const pipeline = await LocalPipeline.start({
    ports: { api: 0, sqs: 0, dynamodb: 0 },
    registry: bulkSendRegistry,
    logLevel: 'WARN',
    ...(process.env.SMTP_URL ? { smtpUrl: process.env.SMTP_URL } : {}),
  });
  const receiver = await startReceiver(await developmentKey(pipeline), print);
  try {
    const apiUrl = pipeline.info.apiUrl!;
    const emails = campaignEmails('spring', 'Shop <shop@example.com>', recipients(count));
    const { groupId, summaryTaskId } = await sendCampaign(apiUrl, emails, {
      onComplete: summaryFollowUp('spring'),
      callbackUrl: receiver.url,
    });
    print(`campaign group ${groupId}: ${count} emails sending…`);
    const summary = await waitFor('the summary', async () => {
      const res = await fetch(new URL(`/tasks/${summaryTaskId}`, apiUrl));
      const task = (await res.json()) as { status?: string; result?: unknown };
      return task.status === 'SUCCEEDED' ? task.result : undefined;
    });
    print(`summary: ${JSON.stringify(summary, null, 2)}`);
    await waitFor('the signed callback', async () => receiver.received[0]);
    print(`outbox: ${pipeline.info.outboxDir}`);
  } finally {
    await receiver.close();
    await pipeline.stop();
  }
}

if (process.argv[1]?.endsWith('main.ts')) {
  main().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = 1;
  });
}
