import {
  PermanentError,
  RetryableError,
  type TaskpipeError,
  TaskTimeoutError,
} from '../core/errors.js';
import { defineTask, type TaskContext } from '../core/task.js';
import { genericSignature } from '../notifier/sign.js';
import { errorFromAbort } from './abortError.js';
import {
  HTTP_POST_TIMEOUT_MS,
  type HttpPostPayload,
  httpPostPayloadSchema,
} from './httpPostPayload.js';
import { type ResponseBody, readResponseBody } from './responseBody.js';
import { parseRetryAfter } from './retryAfter.js';
import { systemErrorCode } from './systemErrorCode.js';

/** What a 2xx answer becomes: its status and, when there was one, its (bounded) body. */
export interface HttpPostResult extends ResponseBody {
  status: number;
}

/** `details` of the errors `http.post` throws. Never holds the request's body or headers. */
export interface HttpPostErrorDetails {
  host: string;
  status?: number;
  /** The start of the response body, to tell the failure apart without storing it all. */
  bodySnippet?: string;
  /** System error code of a network failure (`ECONNREFUSED`, `ECONNRESET`…). */
  code?: string;
}

const SNIPPET_CHARS = 256;
/** The headers a signed POST carries. */
export const TIMESTAMP_HEADER = 'x-taskpipe-timestamp';
export const SIGNATURE_HEADER = 'x-taskpipe-signature';

function snippet(body: unknown): string | undefined {
  if (body === undefined) return undefined;
  return (typeof body === 'string' ? body : JSON.stringify(body)).slice(0, SNIPPET_CHARS);
}

/** Why no response arrived: the task was stopped, the request timed out, or the network failed. */
function requestFailure(
  thrown: unknown,
  ctx: TaskContext,
  timeout: AbortSignal,
  timeoutMs: number,
  host: string,
): TaskpipeError {
  if (ctx.signal.aborted) return errorFromAbort(ctx.signal, `POST to ${host}`);
  if (timeout.aborted) return new TaskTimeoutError(timeoutMs);
  const code = systemErrorCode(thrown);
  const details: HttpPostErrorDetails = { host, code };
  return new RetryableError(`POST to ${host} failed${code ? ` (${code})` : ''}`, {
    cause: thrown,
    details,
  });
}

/** Turns a non-2xx answer into the error that decides whether the task retries. */
function statusFailure(response: Response, body: ResponseBody, host: string): TaskpipeError {
  const { status } = response;
  const details: HttpPostErrorDetails = { host, status, bodySnippet: snippet(body.body) };
  if (status >= 500 || status === 408 || status === 429) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    return new RetryableError(`POST to ${host} answered ${status}`, { details, retryAfterMs });
  }
  if (status >= 300 && status < 400) {
    return new PermanentError(`POST to ${host} answered ${status}; redirects are not followed`, {
      details,
    });
  }
  return new PermanentError(`POST to ${host} answered ${status}`, { details });
}

/**
 * Adds `x-taskpipe-timestamp` (Unix seconds, now) and `x-taskpipe-signature: sha256=<hex
 * HMAC-SHA256 of "<timestamp>.<body>">`, the scheme of the generic alarm webhook.
 */
async function signRequest(
  headers: Headers,
  body: string,
  secretName: string | undefined,
  ctx: TaskContext,
): Promise<void> {
  const key = await ctx.signingKey(secretName);
  const timestamp = Math.floor(Date.now() / 1_000);
  headers.set(TIMESTAMP_HEADER, String(timestamp));
  headers.set(SIGNATURE_HEADER, `sha256=${genericSignature(key, timestamp, body)}`);
}

async function postJson(payload: HttpPostPayload, ctx: TaskContext): Promise<HttpPostResult> {
  const url = new URL(payload.url);
  // Only the host is ever logged or recorded: paths and queries may carry tokens.
  const host = url.host;
  const timeoutMs = Math.min(payload.timeoutMs ?? HTTP_POST_TIMEOUT_MS, HTTP_POST_TIMEOUT_MS);
  const timeout = AbortSignal.timeout(timeoutMs);
  const headers = new Headers(payload.headers);
  headers.set('content-type', 'application/json');
  headers.set('idempotency-key', ctx.idempotencyKey);
  // The receiver joins the task's trace; a traceparent the payload sets itself is kept.
  if (ctx.traceparent && !headers.has('traceparent')) headers.set('traceparent', ctx.traceparent);
  const text = JSON.stringify(payload.body);
  if (payload.sign) await signRequest(headers, text, payload.sign.secretName, ctx);

  let response: Response;
  let body: ResponseBody;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers,
      body: text,
      signal: AbortSignal.any([ctx.signal, timeout]),
      // Following a redirect would turn the POST into a GET, or send it somewhere unvetted.
      redirect: 'manual',
    });
    body = await readResponseBody(response);
  } catch (thrown) {
    const error = requestFailure(thrown, ctx, timeout, timeoutMs, host);
    // No log line here either: the consumer logs the retry or the failure, with this error.
    throw error;
  }

  const { status } = response;
  if (status >= 200 && status < 300) {
    ctx.logger.info('http.post answered', { host, status });
    return { status, ...body };
  }
  // No log line here: the consumer logs the failure it becomes (a retry or the task's end).
  throw statusFailure(response, body, host);
}

/**
 * `http.post`: POSTs a JSON body to an http(s) URL with an `Idempotency-Key` header taken
 * from the task, so a retried call is not applied twice downstream.
 *
 * A 2xx answer is the result; 408, 429 and 5xx retry (honouring `Retry-After`); other
 * statuses fail for good. Timeouts and network errors retry.
 */
export const httpPost = defineTask({
  type: 'http.post',
  schema: httpPostPayloadSchema,
  handler: postJson,
  maxAttempts: 5,
  backoff: { baseMs: 2_000, capMs: 5 * 60_000 },
  timeoutMs: HTTP_POST_TIMEOUT_MS,
  // On by default: one breaker per target host, so a host that is down holds only its tasks.
  breaker: { key: (payload) => `host:${new URL(payload.url).host}` },
});
