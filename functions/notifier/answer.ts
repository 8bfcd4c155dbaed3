import type { WebhookKind } from './formatters/index.js';
import type { HttpAnswer } from './ports.js';
import { cleanText, cut } from './text.js';

/** How one answer is read: taken, worth another try, or refused for good. */
export type AnswerVerdict =
  | { ok: true }
  | { ok: false; retryable: boolean; retryAfter?: string; why: string };

// Chinese bots answer 200 with an error code in the body; these codes mean "too fast".
const RATE_LIMIT_CODES: Partial<Record<WebhookKind, readonly number[]>> = {
  feishu: [11232],
  dingtalk: [130101],
  wecom: [45009],
};

/** Feishu's `code` (or the older `StatusCode`), DingTalk's and WeCom's `errcode`. */
function bodyErrorCode(
  kind: WebhookKind,
  body: unknown,
): { code: number; message?: string } | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  const code = kind === 'feishu' ? (b.code ?? b.StatusCode) : b.errcode;
  const message = kind === 'feishu' ? (b.msg ?? b.StatusMessage) : b.errmsg;
  if (typeof code !== 'number') return undefined;
  return { code, ...(typeof message === 'string' ? { message } : {}) };
}

/** A short, printable start of a body for error messages. */
export function bodySnippet(body: unknown): string {
  if (body === undefined) return '';
  return cut(cleanText(typeof body === 'string' ? body : JSON.stringify(body)), 200);
}

/**
 * Reads an answer: 2xx is taken unless a bot's body carries an error code; 408, 429 and
 * 5xx are worth another try; redirects (not followed: they would turn a POST into a GET)
 * and other 4xx fail for good.
 */
export function readAnswer(kind: WebhookKind, answer: HttpAnswer): AnswerVerdict {
  const { status } = answer;
  if (status >= 200 && status < 300) {
    const error = bodyErrorCode(kind, answer.body);
    if (!error || error.code === 0) return { ok: true };
    return {
      ok: false,
      retryable: RATE_LIMIT_CODES[kind]?.includes(error.code) ?? false,
      why: `refused the message: code ${error.code}${error.message ? ` (${bodySnippet(error.message)})` : ''}`,
    };
  }
  const snippet = bodySnippet(answer.body);
  const why = `answered ${status}${snippet ? `: ${snippet}` : ''}`;
  if (status >= 500 || status === 408 || status === 429) {
    return {
      ok: false,
      retryable: true,
      why,
      ...(answer.retryAfter ? { retryAfter: answer.retryAfter } : {}),
    };
  }
  return { ok: false, retryable: false, why };
}
