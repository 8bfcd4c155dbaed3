import type * as z from 'zod';
import { type BackoffPolicy, DEFAULT_BACKOFF } from './backoff.js';
import type { Callback } from './envelope.js';
import type { BreakerPolicy } from './flow/breakerPolicy.js';
import type { FlowSettings } from './flow/flowSettings.js';
import type { Logger } from './ports.js';
import type { TaskStatus } from './status.js';
import type { FanInInfo } from './workflow/types.js';

/** Options for a follow-up task enqueued from inside a handler. */
export interface EnqueueOptions {
  priority?: string;
  idempotencyKey?: string;
  /** Up to a year; beyond 900 s the task is SCHEDULED (docs/delays.md). */
  delaySeconds?: number;
  /** When the task becomes due (ISO 8601), instead of `delaySeconds`. */
  runAt?: string;
  maxAttempts?: number;
  /** Where the final status and result are POSTed, signed (docs/callbacks.md). */
  callback?: { url: string; secretName?: string };
  /**
   * A chain (`then`): tasks to enqueue one after another, each when the one before it
   * succeeds. Named `next`, since an object with a `then` is taken for a promise.
   */
  next?: ChainStep[];
}

/** A later task of a chain, or a group's follow-up. */
export interface ChainStep {
  type: string;
  payload: unknown;
  priority?: string;
  maxAttempts?: number;
}

/** What a handler receives besides its payload. */
export interface TaskContext {
  readonly taskId: string;
  readonly type: string;
  /** 1-based attempt number; also the fencing token of this run. */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** Pass downstream (an `Idempotency-Key` header, say) so a retried side effect is not repeated. */
  readonly idempotencyKey: string;
  /** Fires at the task timeout or shortly before the invocation deadline, whichever is first. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /**
   * This attempt's W3C `traceparent`: send it downstream as that header so the call joins
   * the task's trace (`http.post` does). Its follow-ups carry the same trace id.
   */
  readonly traceparent?: string;
  /**
   * Enqueues a follow-up task; resolves to its id. The id derives from this task's id and
   * `options.key` (else the call's order in this attempt), so a retried handler that
   * enqueues again names the same task, and its duplicate message is dropped.
   */
  enqueue(type: string, payload: unknown, options?: ChildTaskOptions): Promise<string>;
  /**
   * Creates a sealed group of `tasks` with its follow-ups; resolves to the group id, which
   * derives from this task's id and `options.key` (else the call's order): a retried handler
   * makes no second group and no second members.
   */
  group(tasks: readonly GroupTaskInput[], options?: GroupOptions): Promise<string>;
  /** In a chain step: the step before it, with its result. */
  parent(): Promise<ParentTask | undefined>;
  /** In a group's follow-up: the group's counts, failed members, and members' results. */
  fanIn(): Promise<FanInInfo | undefined>;
  /**
   * The key that signs a callback: Secrets Manager secret `secretName`, or locally, without
   * one, the development key. Read when asked, so a retry signs with the current key.
   */
  signingKey(secretName?: string): Promise<string>;
}

/** Options of a task enqueued by a handler. */
export interface ChildTaskOptions extends EnqueueOptions {
  /** Names the child among this task's children; its id derives from it. */
  key?: string;
}

/** A member of a group created by a handler. */
export interface GroupTaskInput extends EnqueueOptions {
  type: string;
  payload: unknown;
}

export interface GroupOptions {
  key?: string;
  /** Runs once every member ended. */
  onComplete?: ChainStep;
  /** Runs once every member succeeded. */
  onSuccess?: ChainStep;
  /** Where the group's summary is POSTed, signed, once every member ended (docs/callbacks.md). */
  callback?: Callback;
}

/** The chain step before this one, as the handler sees it. */
export interface ParentTask {
  id: string;
  type: string;
  status: TaskStatus;
  result?: unknown;
}

/**
 * What the consumer writes to the task table for a task type.
 * - `full`: a claim (RUNNING, lease, fencing token) and the end: a redelivery of a task that
 *   is running or finished never runs it again. Two writes per task.
 * - `terminal`: a read, then only the end. A redelivery after the end, or of a cancelled
 *   task, is still skipped; two deliveries at the same moment may both run. One write.
 * - `failures`: a read, and writes only for retries and failures; a success leaves no row
 *   unless one existed (an API-enqueued task), so its status reads as unknown. No write.
 */
export const TRACKING_LEVELS = ['full', 'terminal', 'failures'] as const;
export type TrackingLevel = (typeof TRACKING_LEVELS)[number];

export interface TaskPolicy {
  maxAttempts: number;
  backoff: BackoffPolicy;
  timeoutMs: number;
  tracking: TrackingLevel;
}

export const DEFAULT_POLICY: TaskPolicy = {
  maxAttempts: 5,
  backoff: DEFAULT_BACKOFF,
  timeoutMs: 30_000,
  tracking: 'full',
};

/**
 * A task type's circuit breaker (DESIGN §11): while it is open, the type's tasks wait
 * without running or spending attempts. Standard queues only.
 */
export interface BreakerSetting<TPayload = unknown> {
  /**
   * The breaker a task answers to, from its parsed payload (`host:<host>`, say); undefined
   * for none. @default `type:<task type>`
   */
  key?(payload: TPayload): string | undefined;
  /** @default DEFAULT_BREAKER_POLICY */
  policy?: Partial<BreakerPolicy>;
}

/** A task type: its name, payload schema, handler and retry policy. */
export interface TaskDefinition<
  TType extends string = string,
  TSchema extends z.ZodType = z.ZodType,
  TResult = unknown,
> extends TaskPolicy,
    Readonly<FlowSettings<z.output<TSchema>>> {
  readonly type: TType;
  readonly schema: TSchema;
  readonly handler: (payload: z.output<TSchema>, ctx: TaskContext) => Promise<TResult> | TResult;
  /** Its circuit breaker, when it has one. */
  readonly breaker?: BreakerSetting<z.output<TSchema>>;
}

export interface DefineTaskInput<TType extends string, TSchema extends z.ZodType, TResult>
  extends FlowSettings<z.output<TSchema>> {
  type: TType;
  schema: TSchema;
  handler: (payload: z.output<TSchema>, ctx: TaskContext) => Promise<TResult> | TResult;
  maxAttempts?: number;
  backoff?: Partial<BackoffPolicy>;
  timeoutMs?: number;
  /** @default 'full' */
  tracking?: TrackingLevel;
  /** `true`: a breaker keyed by the type. @default none */
  breaker?: boolean | BreakerSetting<z.output<TSchema>>;
}

/**
 * Declares a task type. The handler's payload type is inferred from `schema`; the policy
 * falls back to {@link DEFAULT_POLICY}. Names and policy are checked by the registry.
 */
export function defineTask<const TType extends string, TSchema extends z.ZodType, TResult>(
  input: DefineTaskInput<TType, TSchema, TResult>,
): TaskDefinition<TType, TSchema, TResult> {
  return {
    type: input.type,
    schema: input.schema,
    handler: input.handler,
    maxAttempts: input.maxAttempts ?? DEFAULT_POLICY.maxAttempts,
    backoff: { ...DEFAULT_POLICY.backoff, ...input.backoff },
    timeoutMs: input.timeoutMs ?? DEFAULT_POLICY.timeoutMs,
    tracking: input.tracking ?? DEFAULT_POLICY.tracking,
    ...(input.breaker ? { breaker: input.breaker === true ? {} : input.breaker } : {}),
    ...(input.rateLimit ? { rateLimit: input.rateLimit } : {}),
    ...(input.concurrency ? { concurrency: input.concurrency } : {}),
    ...(input.debounce ? { debounce: input.debounce } : {}),
    ...(input.dedupWindowSeconds !== undefined
      ? { dedupWindowSeconds: input.dedupWindowSeconds }
      : {}),
  };
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds definitions of any payload and result
export type AnyTaskDefinition = TaskDefinition<string, z.ZodType, any>;

/** The payload type accepted by a task type, from its schema's input side. */
export type PayloadOf<T extends AnyTaskDefinition> = z.input<T['schema']>;
