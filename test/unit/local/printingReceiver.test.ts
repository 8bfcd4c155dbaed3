import { describe, expect, it } from 'vitest';
import { render } from '../../../local/alarms/PrintingReceiver.js';

const notice = {
  name: 'taskpipe-default-dlq-not-empty',
  previousState: 'OK',
  time: '2026-12-01T10:00:00.000Z',
  reason: 'Threshold Crossed',
  runbook: 'redrive with: npx taskpipe redrive --queue default',
};

describe('a printed alarm', () => {
  it('stands between heavy rules, marked ALARM, with what to do next', () => {
    const lines = render({ ...notice, state: 'ALARM' }).split('\n');
    expect(lines[1]).toMatch(/^━{72}$/);
    expect(lines[2]).toBe(
      '🔴 ALARM taskpipe-default-dlq-not-empty: OK → ALARM  (2026-12-01T10:00:00.000Z)',
    );
    expect(lines).toContain('   next: redrive with: npx taskpipe redrive --queue default');
    expect(lines.at(-2)).toMatch(/^━{72}$/);
  });

  it('marks a recovery with light rules', () => {
    const lines = render({ ...notice, state: 'OK', previousState: 'ALARM' }).split('\n');
    expect(lines[1]).toMatch(/^─{72}$/);
    expect(lines[2]).toMatch(/^🟢 alarm taskpipe-default-dlq-not-empty: ALARM → OK/);
  });
});
