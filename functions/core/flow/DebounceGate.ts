import type { Admission, GateFactory } from '../consumer/admission/types.js';
import type { DebounceLog, DebounceStore } from './DebounceStore.js';
import { flowKey } from './flowKey.js';

/** The latest-task record outlives its window by this long, for late redeliveries. */
const RECORD_GRACE_SECONDS = 86_400;

/**
 * `debounce` of `defineTask` (docs/flow-control.md), trailing edge: each delivery records
 * itself as its key's latest task unless a later one is recorded, and waits until its
 * window (from its enqueue time) ends. Then it runs only if it is still the latest; a task
 * that a later one replaced ends CANCELLED, reason `debounced`, having spent no attempt.
 */
export function debounceGates(store: DebounceStore, log: DebounceLog): GateFactory {
  return (definition) => {
    const setting = definition.debounce;
    if (!setting) return undefined;
    const windowMs = setting.seconds * 1_000;
    return {
      name: 'debounce',
      async admit(request): Promise<Admission> {
        if (request.payload === undefined) return { kind: 'run' };
        const key = flowKey(setting.key, request.payload);
        const sent = Date.parse(request.envelope.enqueuedAt);
        const enqueuedAt = Number.isFinite(sent) ? sent : request.now;
        const dueAt = enqueuedAt + windowMs;
        const latest = await store.offer(
          `${request.type}#${key}`,
          { taskId: request.taskId, enqueuedAt },
          Math.ceil(Math.max(dueAt, request.now) / 1_000) + RECORD_GRACE_SECONDS,
        );
        if (latest.taskId !== request.taskId) {
          const cancelled = await log.cancelDebounced({
            id: request.taskId,
            type: request.type,
            priority: request.envelope.priority,
            maxAttempts: request.envelope.maxAttempts ?? definition.maxAttempts,
            enqueuedAt,
            at: request.now,
            supersededBy: latest.taskId,
          });
          // A task that already started (or ended) is past debouncing: its claim decides.
          if (!cancelled) return { kind: 'run' };
          return {
            kind: 'cancelled',
            reason: 'debounced',
            detail: { key, supersededBy: latest.taskId },
          };
        }
        // Never early: a later task may still come within the window (a hop is ≥ 1 s).
        if (request.now >= dueAt) return { kind: 'run' };
        return {
          kind: 'defer',
          delayMs: dueAt - request.now,
          reason: 'debounce',
          detail: { key, seconds: setting.seconds },
        };
      },
    };
  };
}
