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
  return backslashEscape(plainAngles(text), '\\`*_[]()#~');
}

/**
 * Full-width `<` and `>` for plain-text fields (titles, previews): not parsed as markup
 * today, but some clients render previews loosely, and a full-width bracket opens nothing.
 */
export function plainAngles(text: string): string {
  return text.replace(/</g, '＜').replace(/>/g, '＞');
}
