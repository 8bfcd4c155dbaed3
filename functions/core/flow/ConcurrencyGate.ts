import type { Admission, GateFactory } from '../consumer/admission/types.js';
import { flowKey } from './flowKey.js';
import type { SlotStore } from './SlotStore.js';

/** A holder that crashed keeps its slot this long past its task's timeout. */
const LEASE_GRACE_MS = 5_000;
/** A task that finds every slot taken asks again after at most this long. */
const MAX_SLOT_WAIT_MS = 5_000;
const MAX_RACES = 5;

/**
 * `concurrency` of `defineTask`: at most `limit` running tasks per key. A slot is held
 * under a lease (the task's timeout, plus a grace), so a crashed holder's slot frees
 * itself; a finished task gives it back at once.
 */
export function concurrencyGates(store: SlotStore): GateFactory {
  return (definition) => {
    const setting = definition.concurrency;
    if (!setting) return undefined;
    return {
      name: 'concurrency',
      async admit(request): Promise<Admission> {
        if (request.payload === undefined) return { kind: 'run' };
        const key = flowKey(setting.key, request.payload);
        const slots = `${request.type}#${key}`;
        const leaseUntil = request.now + definition.timeoutMs + LEASE_GRACE_MS;
        for (let race = 0; race < MAX_RACES; race++) {
          const stored = await store.read(slots);
          const live = liveHolders(stored?.holders ?? {}, request.taskId, request.now);
          const running = Object.keys(live).length;
          if (running >= setting.limit) {
            const freeAt = Math.min(...Object.values(live));
            return {
              kind: 'defer',
              delayMs: Math.max(1_000, Math.min(freeAt - request.now, MAX_SLOT_WAIT_MS)),
              reason: 'concurrency',
              detail: { key, limit: setting.limit, running },
            };
          }
          const holders = { ...live, [request.taskId]: leaseUntil };
          if (await store.write(slots, holders, stored?.version ?? 0)) {
            return { kind: 'run', release: () => store.release(slots, request.taskId) };
          }
        }
        // Contended beyond reason: ask again shortly, spending nothing.
        return {
          kind: 'defer',
          delayMs: 1_000,
          reason: 'concurrency',
          detail: { key, limit: setting.limit },
        };
      },
    };
  };
}

/** Holders whose lease still runs, without `self` (a redelivery re-takes its own slot). */
export function liveHolders(
  holders: Readonly<Record<string, number>>,
  self: string,
  now: number,
): Record<string, number> {
  return Object.fromEntries(
    Object.entries(holders).filter(([id, until]) => id !== self && until >= now),
  );
}
