import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FaultLog, FaultRates } from './faults.js';
import { pickBand, unitFor } from './rng.js';

/** An alarm notice as the generic webhook format posts it. */
export interface AlarmNotice {
  name: string;
  state: string;
}

/**
 * The chaos run's loopback HTTP server: `/hook` is the downstream of `http.post` tasks and
 * answers 500, 429 or not at all by the seeded rates (keyed by the Idempotency-Key and how
 * often it was seen); `/alarms` receives the pipeline's alarm notices.
 */
export class ChaosEndpoint {
  /** Accepted deliveries per idempotency key. */
  readonly deliveries = new Map<string, number>();
  readonly notices: AlarmNotice[] = [];
  #noticeWaiters: { match: (n: AlarmNotice) => boolean; resolve: () => void }[] = [];
  readonly #seen = new Map<string, number>();
  #server?: Server;
  url = '';

  constructor(
    private readonly seed: number,
    private readonly rates: Pick<FaultRates, 'webhook-500' | 'webhook-429' | 'webhook-hang'>,
    private readonly faults: FaultLog,
  ) {}

  /** Resolves once a notice matching `match` has arrived (at once if one has). */
  noticeMatching(match: (notice: AlarmNotice) => boolean): Promise<void> {
    if (this.notices.some(match)) return Promise.resolve();
    return new Promise((resolve) => this.#noticeWaiters.push({ match, resolve }));
  }

  async listen(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.answer(req, res, Buffer.concat(chunks).toString('utf8')));
    });
    this.#server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  private answer(req: IncomingMessage, res: ServerResponse, body: string): void {
    if (req.url === '/alarms') {
      const notice = JSON.parse(body) as AlarmNotice;
      this.notices.push(notice);
      for (const w of this.#noticeWaiters.filter((w) => w.match(notice))) w.resolve();
      this.#noticeWaiters = this.#noticeWaiters.filter((w) => !w.match(notice));
      res.writeHead(200).end();
      return;
    }
    const key = String(req.headers['idempotency-key'] ?? '');
    const seen = (this.#seen.get(key) ?? 0) + 1;
    this.#seen.set(key, seen);
    const fault = pickBand(unitFor(this.seed, 'hook', key, seen), [
      ['webhook-500', this.rates['webhook-500']],
      ['webhook-429', this.rates['webhook-429']],
      ['webhook-hang', this.rates['webhook-hang']],
    ] as const);
    if (fault) this.faults.record(fault, key);
    if (fault === 'webhook-500') {
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"chaos"}');
    } else if (fault === 'webhook-429') {
      res.writeHead(429, { 'retry-after': '1' }).end();
    } else if (fault === 'webhook-hang') {
      // Never answers; the task's own request timeout must end the wait.
    } else {
      this.deliveries.set(key, (this.deliveries.get(key) ?? 0) + 1);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    }
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
