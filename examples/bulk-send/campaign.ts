/** One recipient of the campaign. */
export interface Recipient {
  name: string;
  email: string;
}

/** `count` made-up recipients (example.com, which never receives mail). */
export function recipients(count: number): Recipient[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `Customer ${i + 1}`,
    email: `customer${i + 1}@example.com`,
  }));
}

/** One personalised `email.send` per recipient: a text and an HTML part. */
export function campaignEmails(campaign: string, from: string, to: readonly Recipient[]) {
  return to.map((r) => ({
    type: 'email.send',
    payload: {
      from,
      to: `${r.name} <${r.email}>`,
      subject: `${r.name}, your ${campaign} offer`,
      text: `Hello ${r.name},\n\nYour ${campaign} offer is ready.\n`,
      html: `<p>Hello ${r.name},</p><p>Your ${campaign} offer is ready.</p>`,
      tags: { campaign },
    },
  }));
}

/** `POST /groups` and its member routes take at most this many tasks per call. */
const CHUNK = 500;

async function post(apiUrl: string, path: string, body: unknown): Promise<{ groupId?: string }> {
  const response = await fetch(new URL(path, apiUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as { groupId?: string; error?: { message: string } };
  if (response.status >= 300) {
    throw new Error(`POST ${path} answered ${response.status}: ${answer.error?.message ?? '?'}`);
  }
  return answer;
}

/** What a campaign's group carries besides its emails. */
export interface CampaignFollowUps {
  /** A task that runs once every email ended (`POST /groups`'s `onComplete`). */
  onComplete?: { type: string; payload: unknown };
  /** Where a signed summary is POSTed once every email ended. */
  callbackUrl?: string;
}

/**
 * Sends a campaign on a running taskpipe API as one group, with the given follow-ups: the
 * group opens with the first 500 emails, takes the rest 500 at a time (each call retry-safe
 * by its offset), then is sealed with the total. Resolves to the group id and, with an
 * `onComplete`, that task's id.
 */
export async function sendCampaign(
  apiUrl: string,
  emails: ReturnType<typeof campaignEmails>,
  followUps: CampaignFollowUps = {},
): Promise<{ groupId: string; summaryTaskId?: string }> {
  const { groupId } = await post(apiUrl, '/groups', {
    tasks: emails.slice(0, CHUNK),
    ...(followUps.onComplete ? { onComplete: followUps.onComplete } : {}),
    // Locally no secret is named: the runtime's development key signs (docs/callbacks.md).
    ...(followUps.callbackUrl ? { callback: { url: followUps.callbackUrl } } : {}),
    seal: false,
  });
  if (!groupId) throw new Error('POST /groups answered no groupId');
  for (let offset = CHUNK; offset < emails.length; offset += CHUNK) {
    await post(apiUrl, `/groups/${groupId}/tasks`, {
      offset,
      tasks: emails.slice(offset, offset + CHUNK),
    });
  }
  await post(apiUrl, `/groups/${groupId}/seal`, { total: emails.length });
  return {
    groupId,
    ...(followUps.onComplete ? { summaryTaskId: `${groupId}.on-complete` } : {}),
  };
}
