import { backslashEscape } from '../text.js';

/**
 * Escapes alarm text for the markdown of WeCom and DingTalk bots.
 *
 * Both accept some HTML (`<font>`) and WeCom reads `<@userid>` as a mention; neither
 * documents entity decoding, so `<` and `>` become their full-width forms, which cannot
 * open a tag. Markdown punctuation gets a backslash so text cannot become a link or a
 * heading.
 */
export function escapeChatMarkdown(text: string): string {
  return backslashEscape(text.replace(/</g, '＜').replace(/>/g, '＞'), '\\`*_[]()#~');
}
