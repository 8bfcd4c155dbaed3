import { describe, expect, it } from 'vitest';
import { FORMATTERS, type WebhookKind } from '../../../functions/notifier/formatters/index.js';
import { hostileNotice, INVISIBLE, jsonBytes, stringsIn } from './formatterHelpers.js';

// What each target's own markup would turn into a mention, a tag or a link.
const RAW_MARKUP = ['<!channel>', '<!here>', '<@U024BE7LH>', '<at id=all>', '<script>', '<b>'];

const CHAT_KINDS = Object.keys(FORMATTERS).filter((k) => k !== 'generic') as WebhookKind[];

// Hard upper bounds of each service's payload, well above what the formatters aim for.
const MAX_BODY_BYTES: Record<WebhookKind, number> = {
  slack: 50_000,
  teams: 28_000,
  feishu: 30_000,
  wecom: 8_000,
  dingtalk: 20_000,
  discord: 30_000,
  generic: 40_000,
};

describe('every formatter, given hostile alarm text', () => {
  it.each(CHAT_KINDS)('%s lets no raw mention, tag or markdown link through', (kind) => {
    const body = FORMATTERS[kind](hostileNotice()).body;
    const text = stringsIn(body).join('\n');
    // Feishu's header is plain_text, never read as markdown: only its brackets matter.
    const markdown = stringsIn(
      kind === 'feishu' ? (body.card as { elements: unknown }).elements : body,
    );

    for (const raw of RAW_MARKUP) expect(text, raw).not.toContain(raw);
    // Slack links are <url|text>, covered above; the others read markdown links.
    if (kind !== 'slack') expect(markdown.join('\n')).not.toMatch(/(^|[^\\])\[click\]\(javascript/);
  });

  it.each(Object.keys(FORMATTERS) as WebhookKind[])(
    '%s drops zero-width and direction-changing characters',
    (kind) => {
      const text = stringsIn(FORMATTERS[kind](hostileNotice()).body).join('\n');

      expect(text).not.toMatch(INVISIBLE);
      expect(text).toContain('gnp.exe');
    },
  );

  it.each(Object.keys(FORMATTERS) as WebhookKind[])('%s bounds a 10 KB reason', (kind) => {
    const body = FORMATTERS[kind](hostileNotice()).body;

    expect(jsonBytes(body)).toBeLessThanOrEqual(MAX_BODY_BYTES[kind]);
    expect(stringsIn(body).some((s) => s.includes('x'.repeat(100)))).toBe(true);
  });

  it('keeps the console link intact for a hostile alarm name', () => {
    const notice = hostileNotice();

    for (const kind of CHAT_KINDS) {
      const text = JSON.stringify(FORMATTERS[kind](notice).body);
      expect(text, kind).toContain(notice.consoleUrl);
    }
    expect(notice.consoleUrl).toMatch(
      /^https:\/\/us-east-1\.console\.aws\.amazon\.com\/[^()<>\s]+$/,
    );
  });
});
