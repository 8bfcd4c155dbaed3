import { readResponseBody } from '../tasks/responseBody.js';
import { systemErrorCode } from '../tasks/systemErrorCode.js';
import { WebhookDeliveryError } from './errors.js';
import type { HttpAnswer, HttpPort, WebhookRequest } from './ports.js';

/** Bodies of webhook answers are short; more is only read to be thrown away. */
const ANSWER_BYTES = 2048;

/**
 * The HTTP port over the global `fetch`. The timeout covers the whole exchange, body
 * included; redirects are not followed. Errors name the host only: the URL's path or
 * query is the webhook's credential.
 */
export const fetchHttp: HttpPort = {
  async post(request: WebhookRequest, timeoutMs: number): Promise<HttpAnswer> {
    const host = new URL(request.url).host;
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      const response = await fetch(request.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        signal: timeout,
        redirect: 'manual',
      });
      const { body } = await readResponseBody(response, ANSWER_BYTES);
      const retryAfter = response.headers.get('retry-after');
      return { status: response.status, ...(retryAfter ? { retryAfter } : {}), body };
    } catch (thrown) {
      if (timeout.aborted) {
        throw new WebhookDeliveryError(
          host,
          'timeout',
          `${host} did not answer within ${timeoutMs} ms`,
          {
            retryable: true,
          },
        );
      }
      const code = systemErrorCode(thrown);
      // The cause is kept off: undici's message can quote the full URL.
      throw new WebhookDeliveryError(
        host,
        'network',
        `POST to ${host} failed${code ? ` (${code})` : ''}`,
        {
          retryable: true,
        },
      );
    }
  },
};
