import type { Envelope } from '../../envelope.js';
import type { AnyTaskDefinition } from '../../task.js';
import type { RecordOutcome } from '../types.js';

/** What a gate is told about a delivery, before any claim or attempt. */
export interface AdmissionRequest {
  readonly taskId: string;
  readonly type: string;
  readonly envelope: Envelope;
  readonly definition: AnyTaskDefinition;
  /**
   * The payload parsed by the task's schema, or `undefined` when it does not parse (the
   * attempt then fails it as `invalid_payload`; a gate lets such a task run).
   */
  readonly payload: unknown;
  readonly now: number;
  /** How many times this task was deferred before (the copy's `taskpipe.deferrals`). */
  readonly deferrals: number;
}

/**
 * A gate's answer. `run` may carry `release`, called once the record is done (a held
 * concurrency slot, say). `defer` asks for the message to come back after `delayMs`.
 * `cancelled`: the gate ended the task (a later one replaced it); the message may go.
 */
export type Admission = { kind: 'run'; release?: Release } | Deferral | Cancellation;

export interface Cancellation {
  kind: 'cancelled';
  /** A short, stable word: `debounced`. */
  reason: string;
  detail?: Readonly<Record<string, string | number>>;
}

/**
 * Called once the record is done, with its outcome when the attempt ran (a breaker counts
 * it), or without one when a later gate deferred the task.
 */
export type Release = (outcome?: RecordOutcome) => Promise<void>;

export interface Deferral {
  kind: 'defer';
  /** How long to wait; a wait over 900 s is made of several hops. */
  delayMs: number;
  /** A short, stable word: `rate_limit`, `concurrency`, `debounce`, `paused`, `breaker_open`. */
  reason: string;
  /** Shown to operators as is (the limit, the next token's time); strings and numbers only. */
  detail?: Readonly<Record<string, string | number>>;
}

/**
 * Flow control's port (DESIGN §11): asked before a task's claim, answers run or defer. A
 * deferral is never an attempt: the message is re-sent with a delay and the original
 * deleted. A gate throws only when it cannot decide (its store is down): the record then
 * fails and SQS delivers it again.
 */
export interface AdmissionGate {
  /** For logs: `rate_limit`, `pause`… */
  readonly name: string;
  admit(request: AdmissionRequest): Promise<Admission>;
}

/**
 * Builds a type's gate from its definition, or `undefined` when the type does not use it:
 * a type with no gate makes no request for flow control.
 */
export type GateFactory = (definition: AnyTaskDefinition) => AdmissionGate | undefined;

/** Where a deferral is recorded for operators (the task row's `waiting`). */
export interface DeferralLog {
  /**
   * Notes that the task waits: creates its row as QUEUED when absent, leaves an ended one
   * alone. `until` is when it comes back (epoch ms).
   */
  noteDeferral(note: DeferralNote): Promise<void>;
}

export interface DeferralNote {
  id: string;
  type: string;
  priority: string;
  maxAttempts: number;
  enqueuedAt: number;
  reason: string;
  detail?: Readonly<Record<string, string | number>>;
  at: number;
  until: number;
}
