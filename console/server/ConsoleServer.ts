import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorBody, statusFor } from '../../functions/api/errorResponse.js';
import { ActionGuard } from './actions/ActionGuard.js';
import { AuditLog, type AuditLogOptions } from './actions/AuditLog.js';
import { runAction } from './actions/runAction.js';
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
  /** Hides and refuses every action. @default false */
  readOnly?: boolean;
  /** Who acts, and where actions are recorded. */
  audit: AuditLogOptions;
}

/**
 * The operator console: its JSON reads and actions under `/api/` and the built web app, on
 * 127.0.0.1 only. The same server runs beside `npm start` and under `taskpipe console --stack`.
 */
export class ConsoleServer {
  private constructor(
    private readonly server: Server,
    /** The console's address, e.g. `http://127.0.0.1:4000/`. */
    readonly url: string,
    readonly audit: AuditLog,
  ) {}

  static async start(ctx: ConsoleContext, options: ConsoleServerOptions): Promise<ConsoleServer> {
    const files = await loadStaticFiles();
    const audit = new AuditLog(options.audit);
    const served = {
      ctx,
      files,
      port: options.port,
      onError: options.onError,
      audit,
      guard: new ActionGuard(options.readOnly ?? false, options.port),
    };
    const server = createServer((req, res) => {
      handle(req, res, served).catch((error: unknown) => {
        options.onError?.(error);
        if (!res.headersSent) send(res, 500, { error: errorBody(error) });
        else res.destroy();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, '127.0.0.1', () => resolve());
    });
    served.port = (server.address() as AddressInfo).port;
    served.guard = new ActionGuard(options.readOnly ?? false, served.port);
    return new ConsoleServer(server, `http://127.0.0.1:${served.port}/`, audit);
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
  audit: AuditLog;
  guard: ActionGuard;
}

async function handle(req: IncomingMessage, res: ServerResponse, served: Served): Promise<void> {
  if (!isLoopbackHost(req.headers.host, served.port)) {
    return send(res, 421, {
      error: { code: 'wrong_host', message: 'serve only to a loopback host name' },
    });
  }
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
  if (method !== 'GET' && method !== 'POST') {
    res.setHeader('allow', 'GET, HEAD, POST');
    return send(res, 405, {
      error: { code: 'method_not_allowed', message: 'allowed: GET, HEAD, and POST for actions' },
    });
  }
  if (url.pathname === PROMETHEUS_PATH && method === 'GET') {
    const { contentType, body } = await prometheusMetrics(served.ctx);
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': contentType });
    return void res.end(req.method === 'HEAD' ? undefined : body);
  }
  if (url.pathname.startsWith('/api/')) return api(req, res, url, method, served);
  if (method !== 'GET') {
    res.setHeader('allow', 'GET, HEAD');
    return send(res, 405, { error: { code: 'method_not_allowed', message: 'allowed: GET, HEAD' } });
  }
  // The app routes in the fragment, so every other path is a file or the app itself.
  const file = served.files.get(url.pathname === '/' ? '/index.html' : url.pathname);
  if (!file) return send(res, 404, { error: { code: 'not_found', message: 'no such file' } });
  res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': file.type });
  res.end(req.method === 'HEAD' ? undefined : file.body);
}

async function api(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  method: string,
  served: Served,
): Promise<void> {
  const { guard, audit } = served;
  if (method === 'GET' && url.pathname === '/api/session') {
    // Readable by the console's own pages only: no CORS header lets another origin read it.
    const session = guard.session(req);
    if (session.setCookie) res.setHeader('set-cookie', session.setCookie);
    return send(res, 200, {
      csrfToken: session.token,
      readOnly: guard.readOnly,
      who: await audit.who(),
    });
  }
  if (method === 'GET' && url.pathname === '/api/audit') return send(res, 200, audit.recent());
  const match = matchRoute(ROUTES, method, url.pathname);
  if (!match) {
    const other = matchRoute(ROUTES, method === 'GET' ? 'POST' : 'GET', url.pathname);
    if (other) {
      res.setHeader('allow', other.route.method === 'GET' ? 'GET, HEAD' : 'POST');
      return send(res, 405, {
        error: { code: 'method_not_allowed', message: `allowed: ${other.route.method}` },
      });
    }
    return send(res, 404, {
      error: { code: 'route_not_found', message: 'no such read or action' },
    });
  }
  const { route, params } = match;
  if (route.method === 'POST') {
    const answer = await runAction(req, route, {
      ctx: served.ctx,
      params,
      guard,
      audit,
      ...(served.onError ? { onError: served.onError } : {}),
    });
    return send(res, answer.status, answer.body);
  }
  try {
    return send(
      res,
      200,
      await route.handler({ ctx: served.ctx, params, query: url.searchParams }),
    );
  } catch (error) {
    const status = statusFor(error);
    if (status >= 500) served.onError?.(error);
    return send(res, status, { error: errorBody(error) });
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
