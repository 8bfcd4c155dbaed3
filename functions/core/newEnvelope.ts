import { ENVELOPE_VERSION, type Envelope, type EnvelopeLinks } from './envelope.js';
import { newTaskId, taskIdForIdempotencyKey } from './ids.js';

export interface NewEnvelopeInput {
  type: string;
  payload: unknown;
  priority: string;
  idempotencyKey?: string;
  maxAttempts?: number;
  traceId?: string;
  traceparent?: string;
  /** A derived id (a member's, a child's, a follow-up's); else one from the key, or a new one. */
  id?: string;
  links?: EnvelopeLinks;
}

/** Builds the envelope for a new task; the id is derived from the idempotency key if given. */
export function newEnvelope(input: NewEnvelopeInput, now: number): Envelope {
  return {
    v: ENVELOPE_VERSION,
    id:
      input.id ??
      (input.idempotencyKey === undefined
        ? newTaskId()
        : taskIdForIdempotencyKey(input.type, input.idempotencyKey)),
    type: input.type,
    payload: input.payload,
    priority: input.priority,
    enqueuedAt: new Date(now).toISOString(),
    ...(input.idempotencyKey === undefined ? {} : { idempotencyKey: input.idempotencyKey }),
    ...(input.maxAttempts === undefined ? {} : { maxAttempts: input.maxAttempts }),
    ...(input.traceId === undefined ? {} : { traceId: input.traceId }),
    ...(input.traceparent === undefined ? {} : { traceparent: input.traceparent }),
    ...input.links,
  };
}
