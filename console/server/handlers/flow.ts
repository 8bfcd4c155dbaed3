import { windowCounts } from '../../../functions/core/flow/breaker.js';
import {
  type BreakerPolicy,
  DEFAULT_BREAKER_POLICY,
} from '../../../functions/core/flow/breakerPolicy.js';
import type { BreakerRecord, PauseRecord } from '../../../functions/core/flow/types.js';
import type { TaskRegistry } from '../../../functions/core/registry.js';
import type { BreakerView, FlowView, PauseView } from '../../shared/api.js';
import type { HandlerRequest } from '../ConsoleContext.js';

/**
 * GET /api/flow: `FlowAdmin.status`, the read behind `taskpipe stats` and the API's
 * `GET /flow`, with every queue and type listed so that each can be paused from the page.
 */
export async function flow({ ctx }: HandlerRequest): Promise<FlowView> {
  const { target } = ctx;
  const status = await target.flow.status();
  const now = Date.now();
  const queuePauses = new Map(status.pauses.queues.map((p) => [p.name, pauseView(p)]));
  const typePauses = new Map(status.pauses.types.map((p) => [p.name, pauseView(p)]));
  // A pause of a type no longer in the registry is still in force: list it too.
  const typeNames = [...new Set([...target.registry.types, ...typePauses.keys()])].sort();
  return {
    at: now,
    queues: target.routes.map((r) => {
      const pause = queuePauses.get(r.priority);
      return {
        priority: r.priority,
        name: r.name,
        ...(r.fifo ? { fifo: true as const } : {}),
        ...(pause ? { pause } : {}),
      };
    }),
    types: typeNames.map((type) => {
      const pause = typePauses.get(type);
      return { type, ...(pause ? { pause } : {}) };
    }),
    breakers: status.breakers.map((b) => breakerView(b, policyFor(b.key, target.registry), now)),
  };
}

export function pauseView(p: PauseRecord): PauseView {
  return { scope: p.scope, name: p.name, since: p.since, by: p.by };
}

/** A breaker as the page shows it: its state, and what its window has counted. */
export function breakerView(b: BreakerRecord, policy: BreakerPolicy, now: number): BreakerView {
  const counts = windowCounts(b.buckets, policy, now);
  const open = b.state === 'open';
  return {
    key: b.key,
    state: b.state,
    since: b.since,
    by: b.by,
    ...(open ? { openedAt: b.since } : {}),
    ...(open && b.until !== undefined ? { coolDownEnds: b.until } : {}),
    heldOpen: open && b.until === undefined,
    attemptsInWindow: counts.attempts,
    failuresInWindow: counts.failures,
    windowSeconds: policy.windowMs / 1_000,
  };
}

/**
 * The policy a breaker is counted under: its type's for `type:<type>`; for another key, the
 * policy of the type that keys its breaker from the payload (as `http.post` by host).
 */
export function policyFor(key: string, registry: TaskRegistry): BreakerPolicy {
  const type = key.startsWith('type:') ? key.slice('type:'.length) : undefined;
  const definition =
    type !== undefined && registry.has(type)
      ? registry.get(type)
      : registry.definitions.find((d) => d.breaker?.key !== undefined);
  return { ...DEFAULT_BREAKER_POLICY, ...definition?.breaker?.policy };
}
