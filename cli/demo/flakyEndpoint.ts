import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A webhook receiver for the demo, on loopback, whose failures each request plans. */
export interface FlakyEndpoint {
  url: string;
  /** Requests answered, by status. */
  answered: Map<number, number>;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 65_536;

/**
 * Answers `POST` requests whose JSON body carries `fail`: a list of statuses to answer on the
 * first calls with the same `Idempotency-Key` (500, 429 with `Retry-After: 1`, 400…), then
 * 200. So a task's retries meet the failures it was planned to meet, and recover (or not).
 */
export async function startFlakyEndpoint(): Promise<FlakyEndpoint> {
  const calls = new Map<string, number>();
  const answered = new Map<number, number>();
  const answer = (res: ServerResponse, status: number) => {
    answered.set(status, (answered.get(status) ?? 0) + 1);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (status === 429) headers['retry-after'] = '1';
    res.writeHead(status, headers).end(JSON.stringify({ ok: status < 300 }));
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (req.method !== 'POST' || size > MAX_BODY_BYTES) return answer(res, 400);
      const key = String(req.headers['idempotency-key'] ?? '');
      const call = calls.get(key) ?? 0;
      calls.set(key, call + 1);
      answer(res, plannedStatus(Buffer.concat(chunks).toString('utf8'), call));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    answered,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function plannedStatus(body: string, call: number): number {
  try {
    const fail = (JSON.parse(body) as { fail?: unknown }).fail;
    const planned = Array.isArray(fail) ? fail[call] : undefined;
    return typeof planned === 'number' && planned >= 400 && planned < 600 ? planned : 200;
  } catch {
    return 400;
  }
}
