/**
 * Text helpers shared by the notice and the formatters. Alarm text is untrusted: it is
 * cleaned once here, then escaped and cut by each target's formatter.
 */

/** Appended to text that was cut. */
export const ELLIPSIS = '…';

// Characters that render as nothing or reorder what follows: C0/C1 controls (bar tab and
// newline), zero-width characters, bidi embeddings, overrides and isolates, the BOM. They
// could hide or disguise a mention or a link, so they are dropped before escaping.
function isInvisible(code: number): boolean {
  return (
    (code < 0x20 && code !== 0x09 && code !== 0x0a) ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x061c ||
    code === 0x180e ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x206f) ||
    code === 0xfeff
  );
}

/** Drops invisible and direction-changing characters and normalises line ends. */
export function cleanText(text: string): string {
  let out = '';
  for (const char of text.replace(/\r\n?/g, '\n')) {
    if (!isInvisible(char.codePointAt(0) ?? 0)) out += char;
  }
  return out;
}

/** The longest prefix of at most `max` UTF-16 units that does not split a surrogate pair. */
function prefix(text: string, max: number): string {
  if (max <= 0) return '';
  const code = text.charCodeAt(max - 1);
  const end = code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
  return text.slice(0, end);
}

/**
 * Cuts `text` to at most `max` UTF-16 units (what chat services count, or more), ending
 * with an ellipsis when something was removed. Never splits a character.
 */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < ELLIPSIS.length) return '';
  return prefix(text, max - ELLIPSIS.length) + ELLIPSIS;
}

/** UTF-8 size of `text` in bytes. */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * Escapes `text` and cuts it so the escaped result fits `max` as `measure` counts it.
 * The cut is made before escaping, so an escape sequence is never split.
 */
export function fitEscaped(
  text: string,
  max: number,
  escapeText: (raw: string) => string,
  measure: (s: string) => number = (s) => s.length,
): string {
  const whole = escapeText(text);
  if (measure(whole) <= max) return whole;
  // Binary search for the longest raw prefix whose escaped, ellipsised form fits.
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(escapeText(prefix(text, mid)) + ELLIPSIS) <= max) lo = mid;
    else hi = mid - 1;
  }
  const best = escapeText(prefix(text, lo));
  return measure(best + ELLIPSIS) <= max ? best + ELLIPSIS : '';
}

/** Puts a backslash before each character of `specials` found in `text`. */
export function backslashEscape(text: string, specials: string): string {
  let out = '';
  for (const char of text) out += specials.includes(char) ? `\\${char}` : char;
  return out;
}
