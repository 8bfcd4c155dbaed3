import type { AlarmNotice } from '../AlarmNotice.js';
import { cut } from '../text.js';
import { chatMarkdownBody, plainAngles } from './chatMarkdown.js';
import { fitBudget, RUNBOOK_CHARS, type WebhookPayload } from './facts.js';

/** Limits of a DingTalk custom-robot markdown message. */
export interface DingTalkLimits {
  /** `markdown.text` is at most 5000 characters. */
  textChars: number;
  /** The title only shows in the conversation list and notifications. */
  titleChars: number;
  reasonChars: number;
}

/** The default limits, used when none are given. */
export const DINGTALK_LIMITS: DingTalkLimits = {
  textChars: 5000,
  titleChars: 100,
  reasonChars: 5000,
};

const COLOURS = { ALARM: '#d93025', OK: '#188038', INSUFFICIENT_DATA: '#5f6368' } as const;

function text(notice: AlarmNotice, budget: number): string {
  return chatMarkdownBody(notice, budget, {
    heading: '###',
    colour: COLOURS[notice.state],
    // A list keeps one fact per line: DingTalk joins plain consecutive lines.
    factPrefix: '- ',
    gapBeforeRunbook: true,
  });
}

/**
 * Renders a notice as a DingTalk custom-robot markdown message that mentions no one
 * (`isAtAll: false`, no phone numbers or user ids). Signing adds `timestamp` and `sign` to
 * the URL at delivery.
 */
export function formatDingTalk(
  notice: AlarmNotice,
  limits: DingTalkLimits = DINGTALK_LIMITS,
): WebhookPayload {
  const built = fitBudget(
    (n) => text(notice, n),
    (s) => s.length,
    limits.textChars,
    RUNBOOK_CHARS + limits.reasonChars,
  );
  return {
    body: {
      msgtype: 'markdown',
      markdown: {
        title: cut(plainAngles(`${notice.state}: ${notice.name}`), limits.titleChars),
        text: cut(built, limits.textChars),
      },
      at: { isAtAll: false, atMobiles: [], atUserIds: [] },
    },
  };
}
