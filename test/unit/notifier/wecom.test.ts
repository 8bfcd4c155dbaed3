import { describe, expect, it } from 'vitest';
import { cutUtf8, formatWeCom } from '../../../functions/notifier/formatters/wecom.js';
import { dlqNotice, hostileNotice, hugeNotice } from './formatterHelpers.js';

const contentOf = (body: Record<string, unknown>) => (body.markdown as { content: string }).content;

describe('WeCom formatter', () => {
  it('renders a markdown message with the runbook, facts and console link', () => {
    const notice = dlqNotice();

    const { body } = formatWeCom(notice);

    expect(body.msgtype).toBe('markdown');
    const content = contentOf(body);
    expect(content).toMatch(
      /^## <font color="warning">🔴 ALARM: taskpipe-prod-dlq-default-not-empty<\/font>/,
    );
    expect(content).toContain('> **Runbook:** ');
    expect(content).toContain('npx taskpipe redrive --stack taskpipe-prod --queue default');
    expect(content).toContain('**Value:** 12');
    expect(content).toContain(`[Open in CloudWatch](${notice.consoleUrl})`);
  });

  it('neutralises tags, mentions and markdown from alarm text', () => {
    const content = contentOf(formatWeCom(hostileNotice()).body);

    expect(content).not.toMatch(/<(?!\/?font)/);
    expect(content).toContain('＜@U024BE7LH＞');
    expect(content).toContain('\\[click\\]\\(javascript:alert\\(1\\)\\)');
  });

  it('keeps content within 4096 bytes of UTF-8, cut on a character boundary', () => {
    const content = contentOf(formatWeCom(hugeNotice()).body);

    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(4096);
    expect(Buffer.byteLength(content)).toBeGreaterThan(4000);
    expect(content).not.toContain('\uFFFD');
    // When room is short the runbook keeps its start; the reason gives way first.
    expect(content).toContain('> **Runbook:** Redrive with: npx taskpipe redrive 回回');
  });

  it('cuts a long reason and keeps the whole runbook and the facts', () => {
    const content = contentOf(formatWeCom({ ...dlqNotice(), reason: '警告'.repeat(5000) }).body);

    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(4096);
    expect(content).toMatch(/[警告]{500,}…\n/);
    expect(content).toContain('--queue default');
    expect(content).toContain('[Open in CloudWatch](');
  });

  it('cuts UTF-8 without splitting characters', () => {
    expect(cutUtf8('a😀b', 4)).toBe('a');
    expect(cutUtf8('a😀b', 5)).toBe('a😀');
    expect(cutUtf8('警警', 5)).toBe('警');
    expect(cutUtf8('short', 4096)).toBe('short');
  });
});
