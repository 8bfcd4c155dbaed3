import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Why an action was refused: always 403, and nothing was changed. */
export interface Refusal {
  code: 'read_only' | 'cross_origin' | 'csrf_token';
  message: string;
}

/** The header the web app sends its session's token in. */
export const CSRF_HEADER = 'x-taskpipe-csrf';

/**
 * The gate in front of every console action: read-only mode, a same-origin check, and a
 * per-session CSRF token. A session is a random id in an HttpOnly, SameSite=Strict cookie;
 * its token is an HMAC of that id under a key that lives only in this process, so tokens
 * die with the server and one session's token is worthless in another.
 */
export class ActionGuard {
  readonly #key = randomBytes(32);
  readonly #cookie: string;

  constructor(
    readonly readOnly: boolean,
    port: number,
  ) {
    // Cookies ignore ports: two consoles on one host must not share a name.
    this.#cookie = `taskpipe_console_${port}`;
  }

  /** The session of a request, and the Set-Cookie header that starts one if it has none. */
  session(req: IncomingMessage): { token: string; setCookie?: string } {
    const id = this.#sessionId(req);
    if (id) return { token: this.#tokenFor(id) };
    const fresh = randomBytes(24).toString('base64url');
    return {
      token: this.#tokenFor(fresh),
      setCookie: `${this.#cookie}=${fresh}; Path=/; HttpOnly; SameSite=Strict`,
    };
  }

  /** Undefined when the request may act; else why not. */
  check(req: IncomingMessage): Refusal | undefined {
    if (this.readOnly) {
      return {
        code: 'read_only',
        message: 'this console was started read-only; it takes no actions',
      };
    }
    const origin = req.headers.origin;
    const fetchSite = req.headers['sec-fetch-site'];
    // The Host header was already checked to be a loopback name of this server.
    if (origin !== `http://${req.headers.host}` || (fetchSite && fetchSite !== 'same-origin')) {
      return {
        code: 'cross_origin',
        message: 'actions are taken only from the console’s own pages (same origin)',
      };
    }
    const id = this.#sessionId(req);
    const sent = req.headers[CSRF_HEADER];
    if (!id || typeof sent !== 'string' || !sameText(sent, this.#tokenFor(id))) {
      return {
        code: 'csrf_token',
        message: `an action needs this session's token in the ${CSRF_HEADER} header; reload the console`,
      };
    }
    return undefined;
  }

  #tokenFor(id: string): string {
    return createHmac('sha256', this.#key).update(id).digest('base64url');
  }

  #sessionId(req: IncomingMessage): string | undefined {
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const [name, value] = part.trim().split('=');
      if (name === this.#cookie && value && /^[A-Za-z0-9_-]{32}$/.test(value)) return value;
    }
    return undefined;
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
