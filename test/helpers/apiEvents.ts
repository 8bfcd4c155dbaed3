import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export interface ApiEventOptions {
  /** An object is sent as JSON; a string as it is. */
  body?: unknown;
  /** @default 'application/json' when there is a body; `null` sends no content type. */
  contentType?: string | null;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  /** @default '$default' */
  stage?: string;
  /** Sends the body base64-encoded, as API Gateway does for binary media types. */
  base64?: boolean;
  /** The route key API Gateway matched, e.g. `GET /tasks/{id}`. @default '$default' */
  routeKey?: string;
}

let requestCount = 0;

/**
 * An HTTP API (payload format 2.0) event as API Gateway delivers it to a Lambda proxy
 * integration: lowercase headers, a rawPath that starts with the stage on a named stage,
 * the query both raw and parsed.
 */
export function apiEvent(
  method: string,
  path: string,
  options: ApiEventOptions = {},
): APIGatewayProxyEventV2 {
  const stage = options.stage ?? '$default';
  const rawPath = stage === '$default' ? path : `/${stage}${path}`;
  const text =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  const contentType =
    options.contentType === undefined
      ? text === undefined
        ? undefined
        : 'application/json'
      : (options.contentType ?? undefined);
  const query = options.query ?? {};
  const rawQueryString = new URLSearchParams(query).toString();
  const now = Date.now();
  requestCount += 1;
  const headers: Record<string, string> = {
    accept: 'application/json',
    host: 'abc123.execute-api.us-east-1.amazonaws.com',
    'user-agent': 'taskpipe-tests',
    'x-forwarded-proto': 'https',
    ...(contentType ? { 'content-type': contentType } : {}),
    ...(text === undefined ? {} : { 'content-length': String(Buffer.byteLength(text)) }),
    ...options.headers,
  };
  return {
    version: '2.0',
    routeKey: options.routeKey ?? '$default',
    rawPath,
    rawQueryString,
    headers,
    ...(rawQueryString ? { queryStringParameters: { ...query } } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: {
        method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.7',
        userAgent: 'taskpipe-tests',
      },
      requestId: `req-${requestCount}`,
      routeKey: options.routeKey ?? '$default',
      stage,
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    ...(text === undefined
      ? { isBase64Encoded: false }
      : {
          body: options.base64 ? Buffer.from(text, 'utf8').toString('base64') : text,
          isBase64Encoded: options.base64 ?? false,
        }),
  };
}
