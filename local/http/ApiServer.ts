import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { LAMBDA_EVENT_LIMIT_BYTES } from '../../functions/api/lambdaEventLimit.js';
import { lambdaContext } from '../esm/lambdaContext.js';
import { portError } from '../PortInUseError.js';
import { toApiGatewayEvent } from './toApiGatewayEvent.js';

export type ApiHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** API Gateway's own payload limit; larger requests never reach the function. */
const API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;
const API_FUNCTION_TIMEOUT_MS = 29_000;

/**
 * Serves the api function over HTTP on loopback, as API Gateway would: each request
 * becomes a payload 2.0 event, and the function's result becomes the response.
 */
export class ApiServer {
  readonly #server: Server;

  constructor(private readonly handler: ApiHandler) {
    this.#server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) writeJson(res, 500, internalError(error));
        else res.destroy();
      });
    });
  }

  /** Binds 127.0.0.1:`port` (0 for any free port) and resolves to the base URL. */
  async listen(port: number): Promise<string> {
    try {
      await new Promise<void>((resolve, reject) => {
        this.#server.once('error', reject);
        this.#server.listen(port, '127.0.0.1', () => resolve());
      });
    } catch (error) {
      throw portError(error, 'HTTP API', port, 'PORT');
    }
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.#server.closeIdleConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > API_GATEWAY_MAX_BODY_BYTES) {
        writeJson(res, 413, {
          error: {
            code: 'payload_too_large',
            message: `request body over API Gateway's limit of ${API_GATEWAY_MAX_BODY_BYTES} bytes`,
          },
        });
        req.destroy();
        return;
      }
      chunks.push(chunk as Buffer);
    }
    const event = toApiGatewayEvent({
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      body: Buffer.concat(chunks),
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
    });
    const eventBytes = Buffer.byteLength(JSON.stringify(event));
    if (eventBytes > LAMBDA_EVENT_LIMIT_BYTES) {
      // Lambda refuses the event before the function runs, and API Gateway answers 500.
      console.error(
        `api function not invoked: its event has ${eventBytes} bytes, over Lambda's ${LAMBDA_EVENT_LIMIT_BYTES}`,
      );
      writeJson(res, 500, { message: 'Internal Server Error' });
      return;
    }
    const result = await this.handler(
      event,
      lambdaContext('api', Date.now() + API_FUNCTION_TIMEOUT_MS),
    );
    const body = result.body ?? '';
    res.writeHead(result.statusCode ?? 200, {
      ...Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)])),
    });
    res.end(result.isBase64Encoded ? Buffer.from(body, 'base64') : body);
  }
}

function writeJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function internalError(error: unknown): unknown {
  // As on API Gateway, an invocation error is a bare 500; the detail goes to the log only.
  console.error('api function failed:', error);
  return { error: { code: 'internal', message: 'Internal Server Error' } };
}
