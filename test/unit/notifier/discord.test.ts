import { describe, expect, it } from 'vitest';
import { escapeDiscord, formatDiscord } from '../../../functions/notifier/formatters/discord.js';
import { dlqNotice, hostileNotice, hugeNotice } from './formatterHelpers.js';

type Embed = {
  title: string;
  url: string;
  description: string;
  color: number;
  fields: { name: string; value: string }[];
  footer: { text: string };
  timestamp: string;
};
const embedOf = (body: Record<string, unknown>) => (body.embeds as Embed[])[0]!;

describe('Discord formatter', () => {
  it('renders one embed linking to the console, with the runbook first', () => {
    const notice = dlqNotice();

    const { body } = formatDiscord(notice);

    expect(body.allowed_mentions).toEqual({ parse: [] });
    const embed = embedOf(body);
    expect(embed.title).toBe('🔴 ALARM: taskpipe-prod-dlq-default-not-empty');
    expect(embed.url).toBe(notice.consoleUrl);
    expect(embed.description).toMatch(
      /^\*\*Runbook:\*\* .*npx taskpipe redrive --stack taskpipe-prod --queue default/,
    );
    expect(embed.fields).toContainEqual({ name: 'Value', value: '12', inline: true });
    expect(embed.timestamp).toBe('2026-11-27T10:01:00.123Z');
  });

  it.each([
    ['ALARM', 0xd93025],
    ['OK', 0x188038],
    ['INSUFFICIENT_DATA', 0x9aa0a6],
  ] as const)('colours %s', (state, color) => {
    expect(embedOf(formatDiscord({ ...dlqNotice(), state }).body).color).toBe(color);
  });

  it('cannot ping and escapes markdown, masked links and mention syntax', () => {
    expect(escapeDiscord('<@123> [x](javascript:1) **b** ||s||')).toBe(
      '\\<@123\\> \\[x\\]\\(javascript:1\\) \\*\\*b\\*\\* \\|\\|s\\|\\|',
    );

    const { body } = formatDiscord(hostileNotice());
    const embed = embedOf(body);

    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(embed.description).not.toMatch(/(^|[^\\])<@/);
    expect(embed.description).not.toMatch(/(^|[^\\])\[click\]/);
  });

  it('keeps every part and the total within the embed limits', () => {
    const embed = embedOf(formatDiscord(hugeNotice()).body);

    const total =
      embed.title.length +
      embed.description.length +
      embed.footer.text.length +
      embed.fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
    expect(embed.title.length).toBeLessThanOrEqual(256);
    expect(embed.description.length).toBeLessThanOrEqual(4096);
    expect(embed.fields.length).toBeLessThanOrEqual(25);
    for (const f of embed.fields) {
      expect(f.name.length).toBeLessThanOrEqual(256);
      expect(f.value.length).toBeLessThanOrEqual(1024);
    }
    expect(total).toBeLessThanOrEqual(6000);
    expect(embed.description.endsWith('…')).toBe(true);
  });
});
