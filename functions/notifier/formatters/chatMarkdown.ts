import type { AlarmNotice } from '../AlarmNotice.js';
import { backslashEscape, cut, fitEscaped } from '../text.js';
import { FACT_CHARS, factsOf, splitBudget, titleOf } from './facts.js';

/**
 * Escapes alarm text for the markdown of WeCom and DingTalk bots.
 *
 * Both accept some HTML (`<font>`) and WeCom reads `<@userid>` as a mention; neither
 * documents entity decoding, so `<` and `>` become their full-width forms, which cannot
 * open a tag. Markdown punctuation gets a backslash so text cannot become a link or a
 * heading.
 */
export function escapeChatMarkdown(text: string): string {
  return backslashEscape(plainAngles(text), '\\`*_[]()#~');
}

/**
 * Full-width `<` and `>` for plain-text fields (titles, previews): not parsed as markup
 * today, but some clients render previews loosely, and a full-width bracket opens nothing.
 */
export function plainAngles(text: string): string {
  return text.replace(/</g, '＜').replace(/>/g, '＞');
}

/**
 * The markdown body WeCom and DingTalk share: a coloured heading, the runbook quoted, the
 * reason, one line per fact and the console link. `budget` is shared by runbook and reason.
 */
export function chatMarkdownBody(
  notice: AlarmNotice,
  budget: number,
  style: { heading: '##' | '###'; colour: string; factPrefix: string; gapBeforeRunbook: boolean },
): string {
  const { runbookChars, reasonChars } = splitBudget(budget);
  const lines = [
    `${style.heading} <font color="${style.colour}">${escapeChatMarkdown(cut(titleOf(notice), 300))}</font>`,
  ];
  if (notice.runbook) {
    lines.push(
      ...(style.gapBeforeRunbook ? [''] : []),
      `> **Runbook:** ${fitEscaped(notice.runbook, runbookChars, escapeChatMarkdown).replace(/\n/g, '\n> ')}`,
    );
  }
  lines.push('', fitEscaped(notice.reason, reasonChars, escapeChatMarkdown), '');
  for (const f of factsOf(notice)) {
    lines.push(
      `${style.factPrefix}**${f.label}:** ${fitEscaped(f.value, FACT_CHARS, escapeChatMarkdown)}`,
    );
  }
  lines.push('', `[Open in CloudWatch](${notice.consoleUrl})`);
  return lines.join('\n');
}
