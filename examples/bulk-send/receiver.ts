import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verify } from './verify.js';

/** One POST the receiver got: its body, and whether its signature held. */
export interface ReceivedCallback {
  valid: boolean;
  body: unknown;
}

/**
 * The downstream system of the example: an HTTP server on 127.0.0.1 that takes taskpipe's
 * signed callbacks, verifies each with {@link verify} under `key`, prints it, and answers
 * 200 (or 401 to a bad signature, which taskpipe does not retry).
 */
export async function startReceiver(key: string, print: (line: string) => void) {
  const received: ReceivedCallback[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const timestamp = String(req.headers['x-taskpipe-timestamp'] ?? '');
      const signature = String(req.headers['x-taskpipe-signature'] ?? '');
      const valid = verify(key, raw, timestamp, signature);
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
      received.push({ valid, body });
      print(`receiver: ${valid ? 'valid' : 'INVALID'} signature, ${raw}`);
      res.writeHead(valid ? 200 : 401, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/campaigns/done`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
