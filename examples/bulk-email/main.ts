import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { LOCAL_STATE_FILE, readLocalState } from '../../local/stateFile.js';
import { campaignEmails, recipients, sendCampaign } from '../bulk-send/campaign.js';

/** What `GET /groups/{id}` says about a campaign's progress. */
interface GroupProgress {
  total?: number;
  counts: { ended: number; succeeded: number; failed: number; pending: number };
}

/** The campaign once every email ended. */
export interface CampaignSummary {
  groupId: string;
  emails: number;
  sent: number;
  failed: number;
  seconds: number;
}

/**
 * Sends `count` personalised emails as one group on the taskpipe API at `apiUrl` (built-in
 * `email.send` only, so `npm start` runs them as it is), prints progress, and resolves to
 * the summary once every email ended.
 */
export async function runBulkEmail(
  apiUrl: string,
  count: number,
  print: (line: string) => void,
): Promise<CampaignSummary> {
  const started = Date.now();
  const emails = campaignEmails('spring', 'Shop <shop@example.com>', recipients(count));
  const { groupId } = await sendCampaign(apiUrl, emails);
  print(`campaign group ${groupId}: ${count} emails enqueued`);
  let last = -1;
  for (;;) {
    const response = await fetch(new URL(`/groups/${groupId}?limit=1`, apiUrl));
    if (!response.ok) throw new Error(`GET /groups/${groupId} answered ${response.status}`);
    const { counts, total } = (await response.json()) as GroupProgress;
    if (counts.ended !== last) print(`  ${counts.ended} of ${total ?? count} ended`);
    last = counts.ended;
    if (total !== undefined && counts.ended === total) {
      return {
        groupId,
        emails: total,
        sent: counts.succeeded,
        failed: counts.failed,
        seconds: Math.round((Date.now() - started) / 100) / 10,
      };
    }
    await sleep(500);
  }
}

// `npx tsx examples/bulk-email/main.ts [count]` with `npm start` running in another
// terminal: finds its API through the runtime's state file, as the CLI does.
async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 1_000);
  if (!Number.isInteger(count) || count < 1 || count > 100_000) {
    throw new Error(`count must be a whole number from 1 to 100000, got ${process.argv[2]}`);
  }
  const stateFile = process.env.TASKPIPE_STATE_FILE ?? LOCAL_STATE_FILE;
  const info = await readLocalState(stateFile);
  if (!info?.apiUrl) {
    throw new Error(`no local taskpipe runs (${stateFile} is missing): start it with npm start`);
  }
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const summary = await runBulkEmail(info.apiUrl, count, print);
  print(`summary: ${JSON.stringify(summary)}`);
  print(`the emails: npx taskpipe outbox (or your SMTP_URL server)`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    process.stderr.write(`bulk-email: ${(error as Error).message}\n`);
    process.exitCode = 1;
  });
}
