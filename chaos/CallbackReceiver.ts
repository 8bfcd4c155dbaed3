import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { callbackId } from '../functions/core/workflow/workflowIds.js';
import type { FaultLog } from './faults.js';
import { verify } from './verifyCallback.js';

/** One POST the receiver got. */
export interface ReceivedCallback {
  kind?: string;
  /** The task or group called back. */
  ownerId?: string;
  /** The status the body reports. */
  status?: string;
  /** What the receiver answered. */
  answered: number;
  /** The signature held under the key and the timestamp was fresh (the docs' check). */
  valid: boolean;
}

/** Callback tries refused while down before the receiver comes back. */
const REFUSALS = 3;
/** Requests answered 503 after it came back, before it answers 200. */
const ERROR_ANSWERS = 4;

/**
 * The downstream of the chaos run's callbacks, on loopback: it starts down (its port closed,
 * so a try meets a refused connection), comes back once `REFUSALS` tries were refused, then
 * answers 503 to its next `ERROR_ANSWERS` requests and 200 after. Each request is checked
 * with the docs' verification code; one that fails it is refused with 401, as a receiver
 * would, and recorded.
 */
export class CallbackReceiver {
  readonly received: ReceivedCallback[] = [];
  #key = '';
  #port = 0;
  #server?: Server;
  #refusals = 0;
  #errorAnswers = 0;
  url = '';

  constructor(
    private readonly faults: FaultLog,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Takes a port, then closes it: the receiver is down until enough tries were refused. */
  async reserve(): Promise<void> {
    const server = await this.#open(0);
    this.#port = (server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${this.#port}/callbacks`;
    await close(server);
  }

  /** Tries refused while it was down. */
  get refusals(): number {
    return this.#refusals;
  }

  /** The key the runtime signs with (its development key). */
  useKey(key: string): void {
    this.#key = key;
  }

  /** The development key, from the file `taskpipe callbacks key` reads. */
  async useKeyFile(file: string): Promise<void> {
    this.useKey((JSON.parse(await readFile(file, 'utf8')) as { key: string }).key);
  }

  /**
   * A callback try (task `taskId`) to `url` met a refused connection. The last refusal
   * reopens the port; the promise settles once it listens.
   */
  async refused(url: string, taskId: string): Promise<void> {
    if (!url.startsWith(this.url) || this.#server) return;
    this.faults.record('callback-down', taskId);
    if (++this.#refusals !== REFUSALS) return;
    await this.#open(this.#port).then(
      (server) => {
        this.#server = server;
      },
      (error: unknown) => this.onError(error),
    );
  }

  async close(): Promise<void> {
    if (this.#server) await close(this.#server);
  }

  #open(port: number): Promise<Server> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.#answer(req, res, Buffer.concat(chunks).toString('utf8')));
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve(server));
    });
  }

  #answer(req: IncomingMessage, res: ServerResponse, raw: string): void {
    const valid = verify(
      this.#key,
      raw,
      String(req.headers['x-taskpipe-timestamp'] ?? ''),
      String(req.headers['x-taskpipe-signature'] ?? ''),
    );
    const body = parse(raw);
    const ownerId = body.taskId ?? body.groupId;
    let answered = 200;
    if (!valid) answered = 401;
    else if (this.#errorAnswers < ERROR_ANSWERS) {
      this.#errorAnswers++;
      answered = 503;
      this.faults.record('callback-down', ownerId && callbackId(ownerId));
    }
    this.received.push({
      answered,
      valid,
      ...(body.kind ? { kind: body.kind } : {}),
      ...(ownerId ? { ownerId } : {}),
      ...(body.status ? { status: body.status } : {}),
    });
    res.writeHead(answered, { 'content-type': 'application/json' }).end('{}');
  }
}

type Body = { kind?: string; taskId?: string; groupId?: string; status?: string };

function parse(raw: string): Body {
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null ? (value as Body) : {};
  } catch {
    return {};
  }
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
