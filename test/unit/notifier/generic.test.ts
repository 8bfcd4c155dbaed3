import { describe, expect, it } from 'vitest';
import { formatGeneric, GENERIC_VERSION } from '../../../functions/notifier/formatters/generic.js';
import { dlqNotice, hugeNotice } from './formatterHelpers.js';

describe('generic formatter', () => {
  it('sends the notice as JSON with source, version and the dedupe key', () => {
    const notice = dlqNotice();

    const { body, headers } = formatGeneric(notice);

    expect(body).toEqual({ source: 'taskpipe', version: GENERIC_VERSION, ...notice });
    expect(body.dedupeKey).toMatch(/^[0-9a-f]{64}$/);
    expect(headers).toEqual({ 'idempotency-key': notice.dedupeKey });
  });

  it('cuts long text so one alarm cannot post megabytes', () => {
    const { body } = formatGeneric(hugeNotice());

    expect((body.reason as string).length).toBeLessThanOrEqual(8000);
    expect((body.runbook as string).length).toBeLessThanOrEqual(3000);
  });
});
