import { createHmac } from 'node:crypto';
import type { WebhookKind, WebhookPayload } from './formatters/index.js';
import type { WebhookRequest } from './ports.js';

/**
 * Feishu/Lark custom-bot signature: base64(HMAC-SHA256) whose *key* is
 * `${timestamp}\n${secret}` and whose message is empty, as Feishu specifies.
 *
 * @param timestampSec - Unix time in seconds, sent alongside as `timestamp`
 */
export function feishuSignature(secret: string, timestampSec: number): string {
  return createHmac('sha256', `${timestampSec}\n${secret}`).update('').digest('base64');
}

/**
 * DingTalk custom-robot signature: base64(HMAC-SHA256(key = secret, message =
 * `${timestamp}\n${secret}`)). The caller URL-encodes it into the query.
 *
 * @param timestampMs - Unix time in milliseconds, sent alongside as `timestamp`
 */
export function dingtalkSignature(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
}

/**
 * Generic-webhook signature: hex HMAC-SHA256(key = secret, message = `${timestamp}.${body}`),
 * sent as `x-taskpipe-signature: sha256=<hex>` with `x-taskpipe-timestamp`, so a receiver
 * can check both the sender and the freshness.
 */
export function genericSignature(secret: string, timestampSec: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestampSec}.${body}`).digest('hex');
}

/**
 * Turns a formatted payload into the request to send, signed when the target kind signs
 * and the secret has a signing secret. Slack, Teams, Discord and WeCom have no signing: their
 * URL is the credential, and a signing secret is ignored.
 */
export function buildRequest(
  kind: WebhookKind,
  payload: WebhookPayload,
  url: string,
  secret: string | undefined,
  nowMs: number,
): WebhookRequest {
  const headers: Record<string, string> = {
    ...payload.headers,
    'content-type': 'application/json; charset=utf-8',
  };
  if (secret === undefined) return { url, headers, body: JSON.stringify(payload.body) };
  switch (kind) {
    case 'feishu': {
      const timestamp = Math.floor(nowMs / 1000);
      const signed = {
        ...payload.body,
        timestamp: String(timestamp),
        sign: feishuSignature(secret, timestamp),
      };
      return { url, headers, body: JSON.stringify(signed) };
    }
    case 'dingtalk': {
      const signedUrl = new URL(url);
      // URLSearchParams percent-encodes the base64 (+, /, =) as DingTalk requires.
      signedUrl.searchParams.set('timestamp', String(nowMs));
      signedUrl.searchParams.set('sign', dingtalkSignature(secret, nowMs));
      return { url: signedUrl.toString(), headers, body: JSON.stringify(payload.body) };
    }
    case 'generic': {
      const timestamp = Math.floor(nowMs / 1000);
      const body = JSON.stringify(payload.body);
      headers['x-taskpipe-timestamp'] = String(timestamp);
      headers['x-taskpipe-signature'] = `sha256=${genericSignature(secret, timestamp, body)}`;
      return { url, headers, body };
    }
    default:
      return { url, headers, body: JSON.stringify(payload.body) };
  }
}
