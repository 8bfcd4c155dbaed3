import { describe, expect, it } from 'vitest';
import { escapeTeams, formatTeams } from '../../../functions/notifier/formatters/teams.js';
import { dlqNotice, hostileNotice, hugeNotice, jsonBytes, stringsIn } from './formatterHelpers.js';

type Card = {
  type: string;
  version: string;
  body: {
    type: string;
    text?: string;
    color?: string;
    items?: { text: string }[];
    facts?: { title: string; value: string }[];
  }[];
  actions: { type: string; url: string }[];
};
const cardOf = (body: Record<string, unknown>): Card => {
  const [attachment] = body.attachments as { contentType: string; content: Card }[];
  return attachment!.content;
};

describe('Teams formatter', () => {
  it('renders a Workflows message with an Adaptive Card 1.4 and an OpenUrl action', () => {
    const notice = dlqNotice();

    const { body } = formatTeams(notice);

    expect(body.type).toBe('message');
    expect((body.attachments as { contentType: string }[])[0]?.contentType).toBe(
      'application/vnd.microsoft.card.adaptive',
    );
    const card = cardOf(body);
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    expect(card.body.map((b) => b.type)).toEqual([
      'TextBlock',
      'Container',
      'TextBlock',
      'FactSet',
    ]);
    expect(card.body[0]).toMatchObject({
      color: 'Attention',
      text: '🔴 ALARM: taskpipe-prod-dlq-default-not-empty',
    });
    expect(card.body[1]?.items?.[1]?.text).toContain(
      'npx taskpipe redrive --stack taskpipe-prod --queue default',
    );
    expect(card.body[3]?.facts).toContainEqual({ title: 'Value', value: '12' });
    expect(card.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'Open in CloudWatch', url: notice.consoleUrl },
    ]);
  });

  it('colours recovery green', () => {
    const card = cardOf(formatTeams({ ...dlqNotice(), state: 'OK' }).body);

    expect(card.body[0]?.color).toBe('Good');
  });

  it('escapes markdown so alarm text cannot make links or emphasis', () => {
    expect(escapeTeams('[click](javascript:alert(1)) **b** _i_ `c` # h <at>')).toBe(
      '\\[click\\]\\(javascript:alert\\(1\\)\\) \\*\\*b\\*\\* \\_i\\_ \\`c\\` \\# h \\<at\\>',
    );

    const texts = stringsIn(formatTeams(hostileNotice()).body).join('\n');

    expect(texts).not.toMatch(/(^|[^\\])\[click\]/);
    expect(texts).not.toMatch(/(^|[^\\])<at/);
  });

  it('stays under 28 KB however long the alarm text is', () => {
    const { body } = formatTeams(hugeNotice());

    expect(jsonBytes(body)).toBeLessThan(28_000);
    // The reason was cut, not dropped.
    expect(cardOf(body).body[2]?.text?.length).toBeGreaterThan(1000);
    expect(cardOf(body).body[2]?.text?.endsWith('…')).toBe(true);
  });
});
