import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { PayloadTooLargeError } from '../core/service/errors.js';
import { MalformedJsonError, UnsupportedMediaTypeError } from './httpErrors.js';

/** `application/json` or any `application/*+json`, with or without parameters. */
const JSON_MEDIA_TYPE = /^application\/(?:[a-z0-9.+-]+\+)?json$/i;

/** A header's value, whatever the case of its name (API Gateway lowercases; others may not). */
export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const headers = event.headers ?? {};
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/**
 * The request body as JSON: the content type must be JSON (415), the decoded body at most
 * `limitBytes` (413, measured after base64 decoding), and the text valid JSON (400).
 */
export function readJsonBody(
  event: APIGatewayProxyEventV2,
  limit: { bytes: number; explain: string },
): unknown {
  const mediaType = header(event, 'content-type')?.split(';')[0]?.trim() ?? '';
  if (!JSON_MEDIA_TYPE.test(mediaType)) throw new UnsupportedMediaTypeError();
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > limit.bytes) {
    throw new PayloadTooLargeError('request body', bytes.length, limit.bytes, limit.explain);
  }
  if (bytes.length === 0) throw new MalformedJsonError('the body is empty');
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new MalformedJsonError((error as Error).message);
  }
}
