import type { AlarmNotice } from '../AlarmNotice.js';
import { cut, fitEscaped, utf8Bytes } from '../text.js';
import { escapeChatMarkdown } from './chatMarkdown.js';
import {
  FACT_CHARS,
  factsOf,
  fitBudget,
  RUNBOOK_CHARS,
  splitBudget,
  titleOf,
  type WebhookPayload,
} from './facts.js';

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
  const { runbookChars, reasonChars } = splitBudget(budget);
  const lines = [
    `## <font color="${COLOURS[notice.state]}">${escapeChatMarkdown(cut(titleOf(notice), 300))}</font>`,
  ];
  if (notice.runbook) {
    lines.push(
      `> **Runbook:** ${fitEscaped(notice.runbook, runbookChars, escapeChatMarkdown).replace(/\n/g, '\n> ')}`,
    );
  }
  lines.push('', fitEscaped(notice.reason, reasonChars, escapeChatMarkdown), '');
  for (const f of factsOf(notice)) {
    lines.push(`**${f.label}:** ${fitEscaped(f.value, FACT_CHARS, escapeChatMarkdown)}`);
  }
  lines.push('', `[Open in CloudWatch](${notice.consoleUrl})`);
  return lines.join('\n');
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
