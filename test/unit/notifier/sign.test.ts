import { describe, expect, it } from 'vitest';
import {
  buildRequest,
  dingtalkSignature,
  feishuSignature,
  genericSignature,
} from '../../../functions/notifier/sign.js';

// Vectors computed independently of this code, with Python's standard library:
//
// python3 -c '
// import hmac, hashlib, base64, urllib.parse
// secret = "SEC-test-0123456789abcdef"
// ts = 1795773660
// print("feishu", base64.b64encode(hmac.new(f"{ts}\n{secret}".encode(), b"", hashlib.sha256).digest()).decode())
// tsms = 1795773660123
// d = base64.b64encode(hmac.new(secret.encode(), f"{tsms}\n{secret}".encode(), hashlib.sha256).digest()).decode()
// print("dingtalk", d, urllib.parse.quote_plus(d))
// body = "{\"source\":\"taskpipe\"}"
// print("generic", hmac.new(secret.encode(), f"{ts}.{body}".encode(), hashlib.sha256).hexdigest())
// '
//
// and the Feishu one again with OpenSSL:
// printf '' | openssl dgst -sha256 -hmac "$(printf '1795773660\nSEC-test-0123456789abcdef')" -binary | base64
const SECRET = 'SEC-test-0123456789abcdef';
const TS_SEC = 1795773660;
const TS_MS = 1795773660123;
const FEISHU_SIGN = '73bryWAISDEoZNybZ5DAP1hRBGXE5Br445aelv3iPNA=';
const DINGTALK_SIGN = 'IrZdlDll8ptarfGDZn/MP92Etb15eVtVbl03BZN8j3U=';
const DINGTALK_SIGN_QUERY = 'IrZdlDll8ptarfGDZn%2FMP92Etb15eVtVbl03BZN8j3U%3D';
const GENERIC_BODY = '{"source":"taskpipe"}';
const GENERIC_SIGN = '44226045084ca066ec1ff7d70b0e0e895dc862578e7fad7dafd856c90a6dd677';

describe('signatures', () => {
  it('signs Feishu with the timestamp and secret as the HMAC key over an empty message', () => {
    expect(feishuSignature(SECRET, TS_SEC)).toBe(FEISHU_SIGN);
  });

  it('signs DingTalk with the secret as key over "timestamp\\nsecret"', () => {
    expect(dingtalkSignature(SECRET, TS_MS)).toBe(DINGTALK_SIGN);
  });

  it('signs generic bodies over "timestamp.body"', () => {
    expect(genericSignature(SECRET, TS_SEC, GENERIC_BODY)).toBe(GENERIC_SIGN);
  });
});

describe('buildRequest', () => {
  const payload = { body: { msg_type: 'interactive', card: {} } };

  it('adds Feishu timestamp (seconds, as a string) and sign to the body', () => {
    const request = buildRequest('feishu', payload, 'https://open.feishu.cn/hook/x', SECRET, TS_MS);

    expect(JSON.parse(request.body)).toEqual({
      msg_type: 'interactive',
      card: {},
      timestamp: String(TS_SEC),
      sign: FEISHU_SIGN,
    });
    expect(request.url).toBe('https://open.feishu.cn/hook/x');
  });

  it('appends DingTalk timestamp (ms) and the URL-encoded sign to the query', () => {
    const request = buildRequest(
      'dingtalk',
      { body: { msgtype: 'markdown' } },
      'https://oapi.dingtalk.com/robot/send?access_token=abc',
      SECRET,
      TS_MS,
    );

    expect(request.url).toBe(
      `https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=${TS_MS}&sign=${DINGTALK_SIGN_QUERY}`,
    );
    expect(JSON.parse(request.body)).toEqual({ msgtype: 'markdown' });
  });

  it('signs generic bodies in headers, keeping the formatter headers', () => {
    const request = buildRequest(
      'generic',
      { body: { source: 'taskpipe' }, headers: { 'idempotency-key': 'k' } },
      'https://example.com/hook',
      SECRET,
      TS_MS,
    );

    expect(request.body).toBe(GENERIC_BODY);
    expect(request.headers).toEqual({
      'idempotency-key': 'k',
      'content-type': 'application/json; charset=utf-8',
      'x-taskpipe-timestamp': String(TS_SEC),
      'x-taskpipe-signature': `sha256=${GENERIC_SIGN}`,
    });
  });

  it('sends unsigned when there is no signing secret, and ignores one where the kind has no signing', () => {
    const unsigned = buildRequest(
      'feishu',
      payload,
      'https://open.feishu.cn/hook/x',
      undefined,
      TS_MS,
    );
    const slack = buildRequest(
      'slack',
      { body: { text: 'x' } },
      'https://hooks.slack.com/services/T/B/C',
      SECRET,
      TS_MS,
    );

    expect(JSON.parse(unsigned.body)).toEqual(payload.body);
    expect(slack.url).toBe('https://hooks.slack.com/services/T/B/C');
    expect(slack.body).toBe('{"text":"x"}');
    expect(slack.body).not.toContain(SECRET);
  });
});
