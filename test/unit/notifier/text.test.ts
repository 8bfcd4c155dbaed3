import { describe, expect, it } from 'vitest';
import { backslashEscape, cleanText, cut, fitEscaped } from '../../../functions/notifier/text.js';

describe('text helpers', () => {
  it('cleans controls, zero-width and bidi characters but keeps tabs, newlines and emoji', () => {
    expect(cleanText('a\u0007b\u200Bc\u202Ed\u2067e\u061Cf\t\n😀\r\n')).toBe('abcdef\t\n😀\n');
  });

  it('cuts with an ellipsis, never inside a surrogate pair', () => {
    expect(cut('hello', 5)).toBe('hello');
    expect(cut('hello world', 6)).toBe('hello…');
    expect(cut('ab😀cd', 4)).toBe('ab…');
    expect(cut('ab😀cd', 5)).toBe('ab😀…');
    expect(cut('abc', 0)).toBe('');
  });

  it('fits escaped text without splitting an escape', () => {
    const escapeAmp = (s: string) => s.replace(/&/g, '&amp;');

    expect(fitEscaped('&&&&', 100, escapeAmp)).toBe('&amp;&amp;&amp;&amp;');
    expect(fitEscaped('&&&&', 12, escapeAmp)).toBe('&amp;&amp;…');
    expect(fitEscaped('&&&&', 3, escapeAmp)).toBe('…');
  });

  it('puts a backslash before listed characters only', () => {
    expect(backslashEscape('a*b_c\\d', '*_\\')).toBe('a\\*b\\_c\\\\d');
  });
});
