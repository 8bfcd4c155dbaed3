import type { TaskRegistry } from '../../registry.js';
import type { AnyTaskDefinition } from '../../task.js';
import type { RecordOutcome } from '../types.js';
import type { Admission, AdmissionGate, AdmissionRequest, GateFactory, Release } from './types.js';

/**
 * The gates of each task type, built once per type from the factories, asked in order.
 * The first deferral or cancellation wins; a slot a gate before it already granted is
 * released, so a deferred task holds nothing while it waits.
 */
export class AdmissionGates {
  readonly #byType = new Map<string, readonly AdmissionGate[]>();

  constructor(
    private readonly factories: readonly GateFactory[],
    private readonly registry: TaskRegistry,
  ) {}

  /** The gates `definition` uses; none means flow control costs this type nothing. */
  gatesFor(definition: AnyTaskDefinition): readonly AdmissionGate[] {
    let gates = this.#byType.get(definition.type);
    if (!gates) {
      gates = this.factories.flatMap((make) => make(definition) ?? []);
      this.#byType.set(definition.type, gates);
    }
    return gates;
  }

  /** The parsed payload the key functions see, or `undefined` when it does not parse. */
  payloadOf(definition: AnyTaskDefinition, payload: unknown): unknown {
    try {
      return this.registry.parsePayload(definition.type, payload);
    } /* Stryker disable next-line BlockStatement: an empty catch returns undefined too */ catch {
      return undefined;
    }
  }

  async admit(
    gates: readonly AdmissionGate[],
    request: AdmissionRequest,
  ): Promise<Exclude<Admission, { kind: 'run' }> | { kind: 'run'; release: Release }> {
    const releases: Release[] = [];
    const releaseAll = async (outcome?: RecordOutcome) => {
      // Most recent first; every release is tried even when one fails.
      const results = await Promise.allSettled(
        releases.reverse().map((release) => release(outcome)),
      );
      releases.length = 0;
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    };
    for (const gate of gates) {
      let answer: Admission;
      try {
        answer = await gate.admit(request);
      } catch (error) {
        await releaseAll().catch(() => undefined);
        throw error;
      }
      if (answer.kind !== 'run') {
        await releaseAll();
        return answer;
      }
      if (answer.release) releases.push(answer.release);
    }
    return { kind: 'run', release: releaseAll };
  }
}
