import { describe, expect, it } from 'vitest';
import { formatDingTalk } from '../../../functions/notifier/formatters/dingtalk.js';
import { dlqNotice, hostileNotice, hugeNotice } from './formatterHelpers.js';

const markdownOf = (body: Record<string, unknown>) =>
  body.markdown as { title: string; text: string };

describe('DingTalk formatter', () => {
  it('renders a markdown message with a title, the runbook and no mentions', () => {
    const notice = dlqNotice();

    const { body } = formatDingTalk(notice);

    expect(body.msgtype).toBe('markdown');
    expect(body.at).toEqual({ isAtAll: false, atMobiles: [], atUserIds: [] });
    const { title, text } = markdownOf(body);
    expect(title).toBe('ALARM: taskpipe-prod-dlq-default-not-empty');
    expect(text).toContain('npx taskpipe redrive --stack taskpipe-prod --queue default');
    expect(text).toContain('- **Threshold:** ＞= 1');
    expect(text).toContain(`[Open in CloudWatch](${notice.consoleUrl})`);
  });

  it('escapes markdown and tags from alarm text', () => {
    const { text } = markdownOf(formatDingTalk(hostileNotice()).body);

    expect(text).not.toMatch(/<(?!\/?font)/);
    expect(text).toContain('\\*\\*bold\\*\\*');
    expect(text).not.toMatch(/(^|[^\\])\[click\]/);
  });

  it('keeps text within 5000 characters and the title short', () => {
    const { title, text } = markdownOf(formatDingTalk(hugeNotice()).body);

    expect(text.length).toBeLessThanOrEqual(5000);
    expect(text.length).toBeGreaterThan(4000);
    expect(title.length).toBeLessThanOrEqual(100);
  });
});
