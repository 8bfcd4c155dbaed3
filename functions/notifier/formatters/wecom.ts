import type { AlarmNotice } from '../AlarmNotice.js';
import { utf8Bytes } from '../text.js';
import { chatMarkdownBody } from './chatMarkdown.js';
import { fitBudget, RUNBOOK_CHARS, type WebhookPayload } from './facts.js';

/** Limits of a WeCom group-bot markdown message. */
export interface WeComLimits {
  /** `markdown.content` must be at most 4096 bytes of UTF-8. */
  contentBytes: number;
  reasonChars: number;
}

/** The default limits, used when none are given. */
export const WECOM_LIMITS: WeComLimits = { contentBytes: 4096, reasonChars: 4096 };

/** Cuts `text` to at most `maxBytes` of UTF-8 without splitting a character. */
export function cutUtf8(text: string, maxBytes: number): string {
  if (utf8Bytes(text) <= maxBytes) return text;
  let out = '';
  let size = 0;
  for (const char of text) {
    const bytes = utf8Bytes(char);
    if (size + bytes > maxBytes) break;
    out += char;
    size += bytes;
  }
  return out;
}

const COLOURS = { ALARM: 'warning', OK: 'info', INSUFFICIENT_DATA: 'comment' } as const;

function content(notice: AlarmNotice, budget: number): string {
  return chatMarkdownBody(notice, budget, {
    heading: '##',
    colour: COLOURS[notice.state],
    factPrefix: '',
    gapBeforeRunbook: false,
  });
}

/**
 * Renders a notice as a WeCom (WeChat Work) markdown message. It mentions no one: WeCom
 * mentions need `<@userid>`, and alarm text cannot produce a `<`.
 */
export function formatWeCom(
  notice: AlarmNotice,
  limits: WeComLimits = WECOM_LIMITS,
): WebhookPayload {
  const text = fitBudget(
    (n) => content(notice, n),
    utf8Bytes,
    limits.contentBytes,
    RUNBOOK_CHARS + limits.reasonChars,
  );
  // Last resort when even the facts do not fit (huge names and dimensions).
  return {
    body: { msgtype: 'markdown', markdown: { content: cutUtf8(text, limits.contentBytes) } },
  };
}
