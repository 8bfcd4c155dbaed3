import type { AdmissionGate, GateFactory } from '../consumer/admission/types.js';
import type { RecordOutcome } from '../consumer/types.js';
import type { AnyTaskDefinition } from '../task.js';
import type { BreakerRegistry } from './BreakerRegistry.js';
import { type BreakerPolicy, DEFAULT_BREAKER_POLICY } from './breakerPolicy.js';
import { PAUSE_HOLD_MS, type PauseBoard } from './PauseBoard.js';

/**
 * The pause gate: a task of a paused type waits, spending no attempt, and looks again
 * after {@link PAUSE_HOLD_MS}. Every type has it, since any type can be paused: its cost is
 * the board's one cached read per instance, not one per task.
 */
export function pauseGate(board: PauseBoard, holdMs = PAUSE_HOLD_MS): GateFactory {
  const gate: AdmissionGate = {
    name: 'pause',
    async admit(request) {
      const pause = await board.typePause(request.type);
      if (!pause) return { kind: 'run' };
      return {
        kind: 'defer',
        delayMs: holdMs,
        reason: 'paused',
        detail: { since: new Date(pause.since).toISOString(), by: pause.by },
      };
    },
  };
  return () => gate;
}

/**
 * Whether an outcome says something of the downstream: a success, or a failure that would
 * be retried (or was the last try). A permanent error or a bad payload is the task's fault,
 * and a task that never ran says nothing.
 */
export function breakerVerdict(outcome: RecordOutcome | undefined): boolean | undefined {
  if (!outcome) return undefined;
  if (outcome.kind === 'succeeded') return true;
  if (outcome.kind === 'retry') return false;
  if (outcome.kind === 'failed' && outcome.reason === 'attempts_exhausted') return false;
  return undefined;
}

/**
 * The breaker gate of a type that declares one: while its breaker is open the task waits;
 * once the cool-down ends, a few run as probes. Each run's outcome is counted.
 */
export function breakerGate(breakers: BreakerRegistry): GateFactory {
  return (definition: AnyTaskDefinition) => {
    const setting = definition.breaker;
    if (!setting) return undefined;
    const policy: BreakerPolicy = { ...DEFAULT_BREAKER_POLICY, ...setting.policy };
    return {
      name: 'breaker',
      async admit(request) {
        // An unparsed payload fails as invalid_payload without touching the downstream.
        if (request.payload === undefined) return { kind: 'run' };
        const key = setting.key ? setting.key(request.payload) : `type:${definition.type}`;
        if (!key) return { kind: 'run' };
        const answer = await breakers.admit(key, policy);
        if (!answer.run) {
          return {
            kind: 'defer',
            delayMs: answer.delayMs,
            reason: 'breaker_open',
            detail: { breaker: key },
          };
        }
        return {
          kind: 'run',
          release: async (outcome) => {
            const ok = breakerVerdict(outcome);
            if (ok !== undefined) await breakers.report(key, policy, ok, answer.probe);
          },
        };
      },
    };
  };
}
