import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorBody, statusFor } from '../../functions/api/errorResponse.js';
import type { ConsoleContext } from './ConsoleContext.js';
import { PROMETHEUS_PATH, prometheusMetrics } from './handlers/prometheus.js';
import { matchRoute, ROUTES } from './routes.js';
import { isLoopbackHost, SECURITY_HEADERS } from './securityHeaders.js';
import { loadStaticFiles, type StaticFile } from './staticFiles.js';

export interface ConsoleServerOptions {
  /** 0 picks a free port. */
  port: number;
  /** Called with errors the console answers with a 5xx, for the operator's log. */
  onError?: (error: unknown) => void;
}

/**
 * The operator console: its JSON reads under `/api/` and the built web app, on 127.0.0.1
 * only. The same server runs beside `npm start` and under `taskpipe console --stack`.
 */
export class ConsoleServer {
  private constructor(
    private readonly server: Server,
    /** The console's address, e.g. `http://127.0.0.1:4000/`. */
    readonly url: string,
  ) {}

  static async start(ctx: ConsoleContext, options: ConsoleServerOptions): Promise<ConsoleServer> {
    const files = await loadStaticFiles();
    let port = options.port;
    const server = createServer((req, res) => {
      handle(req, res, { ctx, files, port, onError: options.onError }).catch((error: unknown) => {
        options.onError?.(error);
        if (!res.headersSent) send(res, 500, { error: errorBody(error) });
        else res.destroy();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, '127.0.0.1', () => resolve());
    });
    port = (server.address() as AddressInfo).port;
    return new ConsoleServer(server, `http://127.0.0.1:${port}/`);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

interface Served {
  ctx: ConsoleContext;
  files: Map<string, StaticFile>;
  port: number;
  onError: ((error: unknown) => void) | undefined;
}

async function handle(req: IncomingMessage, res: ServerResponse, served: Served): Promise<void> {
  if (!isLoopbackHost(req.headers.host, served.port)) {
    return send(res, 421, {
      error: { code: 'wrong_host', message: 'serve only to a loopback host name' },
    });
  }
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return send(res, 405, {
      error: { code: 'method_not_allowed', message: 'this console only reads; allowed: GET, HEAD' },
    });
  }
  if (url.pathname === PROMETHEUS_PATH) {
    const { contentType, body } = await prometheusMetrics(served.ctx);
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': contentType });
    return void res.end(req.method === 'HEAD' ? undefined : body);
  }
  if (url.pathname.startsWith('/api/')) {
    const match = matchRoute(ROUTES, url.pathname);
    if (!match) {
      return send(res, 404, { error: { code: 'route_not_found', message: 'no such read' } });
    }
    try {
      const body = await match.route.handler({
        ctx: served.ctx,
        params: match.params,
        query: url.searchParams,
      });
      return send(res, 200, body);
    } catch (error) {
      const status = statusFor(error);
      if (status >= 500) served.onError?.(error);
      return send(res, status, { error: errorBody(error) });
    }
  }
  // The app routes in the fragment, so every other path is a file or the app itself.
  const file = served.files.get(url.pathname === '/' ? '/index.html' : url.pathname);
  if (!file) return send(res, 404, { error: { code: 'not_found', message: 'no such file' } });
  res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': file.type });
  res.end(req.method === 'HEAD' ? undefined : file.body);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
