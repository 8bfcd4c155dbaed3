import { describe, expect, it } from 'vitest';
import {
  escapeSlack,
  formatSlack,
  SLACK_LIMITS,
} from '../../../functions/notifier/formatters/slack.js';
import { dlqNotice, hostileNotice, hugeNotice, stringsIn } from './formatterHelpers.js';

type Block = {
  type: string;
  text?: { text: string };
  fields?: { text: string }[];
  elements?: { url?: string }[];
};
const blocksOf = (body: Record<string, unknown>) => body.blocks as Block[];

describe('Slack formatter', () => {
  it('renders header, runbook, reason, fields, a console button and context', () => {
    const notice = dlqNotice();

    const { body } = formatSlack(notice);

    const blocks = blocksOf(body);
    expect(blocks.map((b) => b.type)).toEqual([
      'header',
      'section',
      'section',
      'section',
      'actions',
      'context',
    ]);
    expect(blocks[0]?.text?.text).toBe('🔴 ALARM: taskpipe-prod-dlq-default-not-empty');
    expect(blocks[1]?.text?.text).toContain(
      'Redrive with: npx taskpipe redrive --stack taskpipe-prod --queue default',
    );
    expect(blocks[3]?.fields?.map((f) => f.text)).toContain('*Threshold*\n&gt;= 1');
    expect(blocks[3]?.fields?.map((f) => f.text)).toContain('*Value*\n12');
    expect(blocks[4]?.elements?.[0]?.url).toBe(notice.consoleUrl);
    expect(body.text).toBe('🔴 ALARM: taskpipe-prod-dlq-default-not-empty');
  });

  it('escapes &, < and > so mentions and links stay text', () => {
    expect(escapeSlack('<!channel> <@U1> <http://x|y> a&b')).toBe(
      '&lt;!channel&gt; &lt;@U1&gt; &lt;http://x|y&gt; a&amp;b',
    );

    const texts = stringsIn(formatSlack(hostileNotice()).body).join('\n');

    expect(texts).toContain('&lt;!channel&gt;');
    for (const raw of ['<!channel>', '<!here>', '<@U024BE7LH>', '<script>', '<b>']) {
      expect(texts).not.toContain(raw);
    }
  });

  it('keeps every text within Block Kit limits, cutting with an ellipsis', () => {
    const { body } = formatSlack(hugeNotice());

    const blocks = blocksOf(body);
    expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(blocks[0]?.text?.text.length).toBeLessThanOrEqual(150);
    expect(blocks[0]?.text?.text.endsWith('…')).toBe(true);
    for (const block of blocks.filter((b) => b.type === 'section')) {
      if (block.text) expect(block.text.text.length).toBeLessThanOrEqual(3000);
      expect(block.fields?.length ?? 0).toBeLessThanOrEqual(10);
      for (const f of block.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(2000);
    }
    expect(blocks[2]?.text?.text.length).toBeGreaterThan(2900);
  });

  it('never splits an escape sequence when cutting', () => {
    const notice = { ...dlqNotice(), reason: '<'.repeat(5000) };

    const reason = blocksOf(formatSlack(notice, { ...SLACK_LIMITS, sectionChars: 50 }).body)[2]
      ?.text?.text;

    expect(reason).toMatch(/^\*Reason\*\n(&lt;)+…$/);
    expect(reason?.length).toBeLessThanOrEqual(50);
  });

  it('uses a primary button once the alarm is back to OK', () => {
    const { body } = formatSlack({ ...dlqNotice(), state: 'OK', previousState: 'ALARM' });

    expect(JSON.stringify(blocksOf(body)[4])).toContain('"style":"primary"');
    expect(blocksOf(body)[0]?.text?.text).toBe('🟢 OK: taskpipe-prod-dlq-default-not-empty');
  });
});
