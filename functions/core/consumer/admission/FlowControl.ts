import type { Envelope } from '../../envelope.js';
import type { Clock, Logger } from '../../ports.js';
import type { AnyTaskDefinition } from '../../task.js';
import type { QueueMessage, RecordOutcome } from '../types.js';
import type { AdmissionGates } from './AdmissionGates.js';
import { type Deferrer, deferralsOf, unfinishedWait } from './Deferrer.js';

/**
 * Flow control around an attempt: asks the type's gates, then runs the attempt, or defers
 * the message through the {@link Deferrer}. A type with no gate goes straight through.
 */
export class FlowControl {
  constructor(
    private readonly deps: {
      gates: AdmissionGates;
      deferrer: Deferrer;
      clock: Clock;
      logger: Logger;
    },
  ) {}

  async around(
    message: QueueMessage,
    envelope: Envelope,
    definition: AnyTaskDefinition,
    attempt: () => Promise<RecordOutcome>,
  ): Promise<RecordOutcome> {
    const { gates, deferrer, clock, logger } = this.deps;
    const typeGates = gates.gatesFor(definition);
    // FIFO queues take no per-message delay; synth refuses flow control on a FIFO type.
    if (typeGates.length === 0 || message.queue.fifo) return attempt();
    const maxAttempts = envelope.maxAttempts ?? definition.maxAttempts;
    const now = clock.now();
    const waiting = unfinishedWait(message, now);
    if (waiting) return deferrer.defer(message, envelope, maxAttempts, waiting);
    const admission = await gates.admit(typeGates, {
      taskId: envelope.id,
      type: envelope.type,
      envelope,
      definition,
      payload: gates.payloadOf(definition, envelope.payload),
      now,
      deferrals: deferralsOf(message),
    });
    if (admission.kind === 'defer') {
      return deferrer.defer(message, envelope, maxAttempts, admission);
    }
    if (admission.kind === 'cancelled') {
      logger.info('task cancelled by flow control', {
        taskId: envelope.id,
        type: envelope.type,
        reason: admission.reason,
        ...admission.detail,
      });
      return { kind: 'cancelled', ack: true, taskId: envelope.id, reason: admission.reason };
    }
    let outcome: RecordOutcome | undefined;
    try {
      outcome = await attempt();
      return outcome;
    } finally {
      // A slot that cannot be given back now frees itself when its lease ends.
      await admission.release(outcome).catch((error: unknown) =>
        logger.warn('flow-control release failed; the slot frees when its lease ends', {
          taskId: envelope.id,
          error,
        }),
      );
    }
  }
}
