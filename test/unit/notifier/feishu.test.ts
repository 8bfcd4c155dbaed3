import { describe, expect, it } from 'vitest';
import { escapeLarkMd, formatFeishu } from '../../../functions/notifier/formatters/feishu.js';
import { dlqNotice, hostileNotice, hugeNotice, jsonBytes, stringsIn } from './formatterHelpers.js';

type Card = {
  header: { template: string; title: { tag: string; content: string } };
  elements: {
    tag: string;
    text?: { tag: string; content: string };
    fields?: { text: { tag: string; content: string } }[];
    actions?: { tag: string; url: string }[];
  }[];
};

describe('Feishu formatter', () => {
  it('renders an interactive card with a red header, lark_md elements and a button', () => {
    const notice = dlqNotice();

    const { body } = formatFeishu(notice);

    expect(body.msg_type).toBe('interactive');
    const card = body.card as Card;
    expect(card.header).toEqual({
      template: 'red',
      title: { tag: 'plain_text', content: '🔴 ALARM: taskpipe-prod-dlq-default-not-empty' },
    });
    expect(card.elements.map((e) => e.tag)).toEqual(['div', 'div', 'div', 'action']);
    expect(card.elements[0]?.text).toEqual({
      tag: 'lark_md',
      content: expect.stringContaining(
        'npx taskpipe redrive --stack taskpipe-prod --queue default',
      ),
    });
    expect(card.elements[2]?.fields?.every((f) => f.text.tag === 'lark_md')).toBe(true);
    expect(card.elements[3]?.actions?.[0]).toMatchObject({ tag: 'button', url: notice.consoleUrl });
  });

  it.each([
    ['OK', 'green'],
    ['INSUFFICIENT_DATA', 'grey'],
  ] as const)('uses the %s template %s', (state, template) => {
    const card = formatFeishu({ ...dlqNotice(), state }).body.card as Card;

    expect(card.header.template).toBe(template);
  });

  it('escapes lark_md with entities, so <at id=all> cannot mention everyone', () => {
    expect(escapeLarkMd('<at id=all></at> [x](javascript:1) **b** a&b')).toBe(
      '&lt;at id=all&gt;&lt;/at&gt; &#91;x&#93;&#40;javascript:1&#41; &#42;&#42;b&#42;&#42; a&amp;b',
    );

    const card = formatFeishu(hostileNotice()).body.card as Card;
    const markdown = stringsIn(card.elements).join('\n');

    expect(markdown).toContain('&lt;at id=all&gt;');
    expect(markdown).not.toContain('<at');
    expect(markdown).not.toContain('[click]');
  });

  it('keeps the card under 30 KB however long the alarm text is', () => {
    const { body } = formatFeishu(hugeNotice());

    expect(jsonBytes(body.card)).toBeLessThanOrEqual(30_000);
    expect((body.card as Card).elements[1]?.text?.content.endsWith('…')).toBe(true);
  });
});
