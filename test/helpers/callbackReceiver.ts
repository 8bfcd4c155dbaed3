import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST the receiver got, with whether its signature held under `key`. */
export interface ReceivedCallback {
  status: number;
  body: unknown;
  timestamp: number;
  validSignature: boolean;
  idempotencyKey?: string;
}

/** Checks `x-taskpipe-signature` as a receiver would (docs/callbacks.md). */
export function verifySignature(key: string, headers: IncomingHttpHeaders, body: string): boolean {
  const timestamp = String(headers['x-taskpipe-timestamp'] ?? '');
  const signature = String(headers['x-taskpipe-signature'] ?? '');
  const expected = `sha256=${createHmac('sha256', key).update(`${timestamp}.${body}`).digest('hex')}`;
  return (
    signature.length === expected.length &&
    timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
  );
}

/**
 * A callback receiver on 127.0.0.1 that answers 503 to its first `failFirst` POSTs and 200
 * after, recording every one.
 */
export async function startCallbackReceiver(options: { key: () => string; failFirst?: number }) {
  const received: ReceivedCallback[] = [];
  let failures = options.failFirst ?? 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const status = failures > 0 ? 503 : 200;
      if (failures > 0) failures--;
      received.push({
        status,
        body: JSON.parse(text) as unknown,
        timestamp: Number(req.headers['x-taskpipe-timestamp']),
        validSignature: verifySignature(options.key(), req.headers, text),
        ...(req.headers['idempotency-key']
          ? { idempotencyKey: String(req.headers['idempotency-key']) }
          : {}),
      });
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/taskpipe`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
