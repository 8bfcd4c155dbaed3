import type { AlarmNotice } from '../AlarmNotice.js';
import { cut, fitEscaped } from '../text.js';
import { FACT_CHARS, factsOf, RUNBOOK_CHARS, titleOf, type WebhookPayload } from './facts.js';

/** Block Kit limits (Slack's documented maxima). */
export interface SlackLimits {
  headerChars: number;
  sectionChars: number;
  fieldChars: number;
  fields: number;
  blocks: number;
  buttonTextChars: number;
}

/** The default limits, used when none are given. */
export const SLACK_LIMITS: SlackLimits = {
  headerChars: 150,
  sectionChars: 3000,
  fieldChars: 2000,
  fields: 10,
  blocks: 50,
  buttonTextChars: 75,
};

/**
 * Escapes text for Slack mrkdwn. Slack reads `<…>` as links and mentions (`<!channel>`,
 * `<@U123>`), so escaping `&`, `<` and `>` is what keeps alarm text from pinging anyone.
 */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function mrkdwn(label: string, raw: string, max: number): { type: 'mrkdwn'; text: string } {
  const head = `*${label}*\n`;
  return { type: 'mrkdwn', text: head + fitEscaped(raw, max - head.length, escapeSlack) };
}

/** Renders a notice as a Slack incoming-webhook message with Block Kit blocks. */
export function formatSlack(
  notice: AlarmNotice,
  limits: SlackLimits = SLACK_LIMITS,
): WebhookPayload {
  const title = titleOf(notice);
  const blocks: Record<string, unknown>[] = [
    // plain_text is not parsed for mentions, but Slack decodes the three entities in every
    // text it shows, so escaping costs nothing and covers clients that render it loosely.
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: fitEscaped(title, limits.headerChars, escapeSlack),
        emoji: true,
      },
    },
  ];
  if (notice.runbook) {
    blocks.push({
      type: 'section',
      text: mrkdwn(
        ':rotating_light: Runbook',
        notice.runbook,
        Math.min(limits.sectionChars, RUNBOOK_CHARS + 40),
      ),
    });
  }
  blocks.push({ type: 'section', text: mrkdwn('Reason', notice.reason, limits.sectionChars) });
  blocks.push({
    type: 'section',
    fields: factsOf(notice)
      .slice(0, limits.fields)
      .map((f) => mrkdwn(f.label, f.value, Math.min(limits.fieldChars, FACT_CHARS))),
  });
  blocks.push({
    type: 'actions',
    elements: [
      {
        type: 'button',
        text: { type: 'plain_text', text: cut('Open in CloudWatch', limits.buttonTextChars) },
        url: notice.consoleUrl,
        style: notice.state === 'ALARM' ? 'danger' : 'primary',
      },
    ],
  });
  blocks.push({
    type: 'context',
    elements: [
      { type: 'mrkdwn', text: `taskpipe · ${escapeSlack(notice.account)} · ${notice.time}` },
    ],
  });
  return {
    body: {
      // The fallback shown in notifications and by clients that cannot draw blocks.
      text: fitEscaped(title, limits.sectionChars, escapeSlack),
      blocks: blocks.slice(0, limits.blocks),
    },
  };
}
