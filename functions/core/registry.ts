import { TASK_TYPE_PATTERN, toValidationIssues } from './envelope.js';
import { ConfigError, InvalidPayloadError, PoisonMessageError } from './errors.js';
import { breakerPolicyProblems, DEFAULT_BREAKER_POLICY } from './flow/breakerPolicy.js';
import { assertPayloadDepth } from './nesting.js';
import { type AnyTaskDefinition, type PayloadOf, TRACKING_LEVELS } from './task.js';

/** The definition in `T` whose type name is `K`. */
export type DefinitionOf<T extends AnyTaskDefinition, K extends string> = Extract<T, { type: K }>;

/** The known task types, checked once at load time. */
export class TaskRegistry<T extends AnyTaskDefinition = AnyTaskDefinition> {
  readonly #byType = new Map<string, AnyTaskDefinition>();

  constructor(definitions: readonly T[]) {
    const problems: string[] = [];
    for (const def of definitions) {
      const label = JSON.stringify(def.type);
      if (typeof def.type !== 'string' || !TASK_TYPE_PATTERN.test(def.type)) {
        problems.push(`task type ${label} must match ${TASK_TYPE_PATTERN.source}`);
        continue;
      }
      if (this.#byType.has(def.type)) {
        problems.push(`task type ${label} is defined more than once`);
        continue;
      }
      if (!Number.isInteger(def.maxAttempts) || def.maxAttempts < 1 || def.maxAttempts > 100) {
        problems.push(
          `task type ${label}: maxAttempts ${def.maxAttempts} must be an integer 1–100`,
        );
      }
      if (!TRACKING_LEVELS.includes(def.tracking)) {
        problems.push(
          `task type ${label}: tracking ${JSON.stringify(def.tracking)} must be one of ${TRACKING_LEVELS.join(', ')}`,
        );
      }
      if (!(def.timeoutMs > 0)) {
        problems.push(`task type ${label}: timeoutMs ${def.timeoutMs} must be positive`);
      }
      if (!(def.backoff.baseMs > 0) || def.backoff.capMs < def.backoff.baseMs) {
        problems.push(
          `task type ${label}: backoff base ${def.backoff.baseMs} ms and cap ${def.backoff.capMs} ms need 0 < base ≤ cap`,
        );
      }
      if (def.breaker) {
        const policy = { ...DEFAULT_BREAKER_POLICY, ...def.breaker.policy };
        problems.push(...breakerPolicyProblems(`task type ${label}`, policy));
      }
      this.#byType.set(def.type, def);
    }
    if (problems.length) throw new ConfigError('invalid task registry', problems);
  }

  get types(): string[] {
    return [...this.#byType.keys()].sort();
  }

  get definitions(): AnyTaskDefinition[] {
    return [...this.#byType.values()];
  }

  has(type: string): type is T['type'] {
    return this.#byType.has(type);
  }

  /** The definition for `type`, or a poison error naming the known types. */
  get<K extends T['type']>(type: K): DefinitionOf<T, K>;
  get(type: string): AnyTaskDefinition;
  get(type: string): AnyTaskDefinition {
    const def = this.#byType.get(type);
    if (!def) {
      throw new PoisonMessageError(
        'unknown_type',
        `unknown task type ${JSON.stringify(type)}; known types: ${this.types.join(', ')}`,
        { knownTypes: this.types },
      );
    }
    return def;
  }

  /** Validates a payload against its task's schema and returns the parsed value. */
  parsePayload<K extends T['type']>(type: K, payload: unknown): PayloadOf<DefinitionOf<T, K>>;
  parsePayload(type: string, payload: unknown): unknown;
  parsePayload(type: string, payload: unknown): unknown {
    const def = this.get(type);
    // Before the schema, which would overflow the stack on a deep enough payload.
    assertPayloadDepth(type, payload);
    const parsed = def.schema.safeParse(payload);
    if (!parsed.success) throw new InvalidPayloadError(type, toValidationIssues(parsed.error));
    return parsed.data;
  }

  /** The largest maxAttempts of any task type; the queue's maxReceiveCount must exceed it. */
  get largestMaxAttempts(): number {
    return Math.max(1, ...this.definitions.map((d) => d.maxAttempts));
  }
}

export function createRegistry<const T extends AnyTaskDefinition>(
  definitions: readonly T[],
): TaskRegistry<T> {
  return new TaskRegistry(definitions);
}
