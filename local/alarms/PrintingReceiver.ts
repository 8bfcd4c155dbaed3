import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The fields of a generic notification the receiver prints. */
interface GenericNotice {
  name?: string;
  state?: string;
  previousState?: string;
  reason?: string;
  runbook?: string;
  time?: string;
}

/**
 * Where local alarms go when no webhook is configured: a loopback HTTP endpoint that
 * accepts the generic JSON format and prints each alarm readably.
 */
export class PrintingReceiver {
  readonly #server: Server;

  constructor(print: (text: string) => void) {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          print(render(JSON.parse(Buffer.concat(chunks).toString('utf8')) as GenericNotice));
          res.writeHead(200).end();
        } catch {
          res.writeHead(400).end();
        }
      });
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/alarms`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}

/** Heavy rules for an alarm, light ones for a recovery: it must stand out from routine logs. */
const RULE_WIDTH = 72;

export function render(n: GenericNotice): string {
  const alarm = n.state === 'ALARM';
  const mark = alarm ? '🔴' : n.state === 'OK' ? '🟢' : '⚪';
  const rule = (alarm ? '━' : '─').repeat(RULE_WIDTH);
  return [
    '',
    rule,
    `${mark} ${alarm ? 'ALARM' : 'alarm'} ${n.name ?? '?'}: ${n.previousState ?? '?'} → ${n.state ?? '?'}  (${n.time ?? ''})`,
    `   ${n.reason ?? ''}`,
    ...(n.runbook ? [`   next: ${n.runbook}`] : []),
    rule,
    '',
  ].join('\n');
}
