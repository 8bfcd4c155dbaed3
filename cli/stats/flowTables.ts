import type { FlowStatus } from '../../functions/core/flow/FlowAdmin.js';
import type { BreakerRecord } from '../../functions/core/flow/types.js';
import { duration, table } from '../output.js';

const since = (ms: number, now: number) =>
  ms > 0 ? `${new Date(ms).toISOString()} (${duration(Math.max(0, now - ms))} ago)` : 'unknown';

export function pauseTable(status: FlowStatus, now: number): string {
  const rows = [...status.pauses.queues, ...status.pauses.types].map((p) => [
    p.scope,
    p.name,
    since(p.since, now),
    p.by,
  ]);
  if (rows.length === 0) return 'nothing paused';
  return table(['PAUSED', 'NAME', 'SINCE', 'BY'], rows);
}

export function breakerTable(breakers: readonly BreakerRecord[], now: number): string {
  if (breakers.length === 0) return 'no circuit breaker has opened';
  return table(
    ['BREAKER', 'STATE', 'SINCE', 'BY', 'PROBES FROM'],
    breakers.map((b) => [
      b.key,
      b.state,
      since(b.since, now),
      b.by,
      b.state === 'open' ? (b.until ? new Date(b.until).toISOString() : 'closed by hand') : '',
    ]),
  );
}
