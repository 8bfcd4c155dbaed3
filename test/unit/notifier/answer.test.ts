import { describe, expect, it } from 'vitest';
import { readAnswer } from '../../../functions/notifier/answer.js';

describe('readAnswer', () => {
  it.each([200, 202, 204])('takes %i', (status) => {
    expect(readAnswer('slack', { status, body: 'ok' })).toEqual({ ok: true });
  });

  it.each([
    [500, true],
    [503, true],
    [408, true],
    [429, true],
    [400, false],
    [403, false],
    [404, false],
    [302, false],
  ])('reads %i as retryable=%s', (status, retryable) => {
    expect(readAnswer('generic', { status })).toMatchObject({ ok: false, retryable });
  });

  it('passes a Retry-After on', () => {
    expect(readAnswer('slack', { status: 429, retryAfter: '7' })).toMatchObject({
      retryAfter: '7',
    });
  });

  it.each([
    ['feishu', { code: 0, msg: 'success' }, true],
    ['feishu', { StatusCode: 0, StatusMessage: 'success' }, true],
    ['dingtalk', { errcode: 0, errmsg: 'ok' }, true],
    ['wecom', { errcode: 0, errmsg: 'ok' }, true],
  ] as const)('takes a 200 from %s whose body says %j', (kind, body, ok) => {
    expect(readAnswer(kind, { status: 200, body }).ok).toBe(ok);
  });

  it.each([
    ['feishu', { code: 19021, msg: 'sign match fail or timestamp is not within one hour' }, false],
    ['feishu', { code: 11232, msg: 'frequency limited' }, true],
    ['dingtalk', { errcode: 310000, errmsg: 'sign not match' }, false],
    ['dingtalk', { errcode: 130101, errmsg: 'send too fast' }, true],
    ['wecom', { errcode: 93000, errmsg: 'invalid webhook url' }, false],
    ['wecom', { errcode: 45009, errmsg: 'api freq out of limit' }, true],
  ] as const)(
    'refuses a 200 from %s whose body says %j (retryable=%s)',
    (kind, body, retryable) => {
      const verdict = readAnswer(kind, { status: 200, body });

      expect(verdict).toMatchObject({ ok: false, retryable });
      expect(verdict.ok === false && verdict.why).toContain(String(Object.values(body)[0]));
    },
  );

  it('ignores body codes from services that do not use them', () => {
    expect(readAnswer('slack', { status: 200, body: { code: 5 } })).toEqual({ ok: true });
  });
});
