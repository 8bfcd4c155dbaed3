import {
  type Callback,
  type Envelope,
  type EnvelopeLinks,
  serializeEnvelope,
  TASK_TYPE_PATTERN,
} from '../envelope.js';
import { deferringSettings } from '../flow/flowSettings.js';
import { assertPayloadDepth } from '../nesting.js';
import { newEnvelope } from '../newEnvelope.js';
import type { NewTask, OutgoingMessage, QueueRoute } from '../ports.js';
import type { TaskRegistry } from '../registry.js';
import { currentTraceparent } from '../trace/traceScope.js';
import { linksField } from '../workflow/taskLinks.js';
import {
  PayloadTooLargeError,
  RequestValidationError,
  UnknownPriorityError,
  UnknownTaskTypeError,
} from './errors.js';
import { type EnqueueInput, enqueueRequestSchema, parseRequest } from './requests.js';
import { taskDelay } from './taskDelay.js';

export const DEFAULT_PRIORITY = 'default';
/** Default payload limit: leaves ample room for the envelope in SQS's 1 MiB message. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 262_144;

/** What a workflow sets on a task it sends: a derived id, and links to its group or chain. */
export interface DerivedTask {
  id?: string;
  links?: EnvelopeLinks;
}

/** A validated task, ready to be recorded and sent. */
export interface PreparedTask {
  envelope: Envelope;
  route: QueueRoute;
  /** The status row the API creates. */
  task: NewTask;
  /** The message without its batch entry id. */
  message: Omit<OutgoingMessage, 'id'>;
  /** A delay beyond SQS's: the message is sent by a one-time schedule at `at` (epoch ms). */
  schedule?: { at: number };
}

/**
 * Turns a producer's request into an envelope and a message: checks the request's shape,
 * the type against the registry, the priority against the queues, the payload against the
 * task's schema and its size. Throws a typed request error on the first problem found.
 */
export class TaskPreparer {
  readonly #routes: Map<string, QueueRoute>;

  constructor(
    private readonly options: {
      registry: TaskRegistry;
      routes: readonly QueueRoute[];
      maxPayloadBytes: number;
      /** Whether delays beyond 900 s can be scheduled here (the API can; a handler cannot). */
      longDelays?: boolean;
      /** Whether a callback must name its secret (on AWS); locally a development key signs. */
      callbackSecretRequired?: boolean;
      /** The prefix a callback's secret name must have: the consumer may read no other. */
      callbackSecretPrefix?: string;
    },
  ) {
    this.#routes = new Map(options.routes.map((r) => [r.priority, r]));
  }

  prepare(request: unknown, now: number, derived: DerivedTask = {}): PreparedTask {
    const parsed = parseRequest(enqueueRequestSchema, request);
    if (!parsed.ok) throw new RequestValidationError('invalid task request', parsed.issues);
    const input: EnqueueInput = parsed.value;
    const { registry } = this.options;
    if (!TASK_TYPE_PATTERN.test(input.type) || !registry.has(input.type)) {
      throw new UnknownTaskTypeError(input.type, registry.types);
    }
    const definition = registry.get(input.type);
    const route = this.#routes.get(input.priority ?? DEFAULT_PRIORITY);
    if (!route) throw new UnknownPriorityError([...this.#routes.keys()]);
    const delay = taskDelay(input, now, this.options.longDelays ?? false, route.fifo);
    const delaySeconds = delay.seconds;
    this.checkCallback(input.callback);
    const deferring = route.fifo ? deferringSettings(definition) : [];
    if (deferring.length) {
      throw new RequestValidationError('invalid task request', [
        {
          path: ['priority'],
          message: `task type ${input.type} has ${deferring.join(', ')}, which a FIFO queue cannot defer; use a standard priority`,
        },
      ]);
    }
    // Before serialising it: JSON.stringify recurses too.
    assertPayloadDepth(input.type, input.payload);
    const payloadJson = this.payloadJson(input.payload);
    // Throws InvalidPayloadError with the zod issues.
    registry.parsePayload(input.type, input.payload);
    // A chain's later steps are checked now, so a bad step fails the request, not the chain.
    for (const step of input.next ?? []) this.prepare(step, now);
    const links: EnvelopeLinks = {
      ...derived.links,
      ...(input.next === undefined ? {} : { next: input.next as EnvelopeLinks['next'] }),
      ...(input.callback === undefined ? {} : { callback: input.callback }),
    };

    const { maxAttempts } = input;
    // The queues' maxReceiveCount sits just above the largest task policy: more attempts
    // would be cut short by SQS's redrive, so they are refused rather than capped in silence.
    if (maxAttempts !== undefined && maxAttempts > registry.largestMaxAttempts) {
      throw new RequestValidationError('invalid task request', [
        {
          path: ['maxAttempts'],
          message: `${maxAttempts} is more than ${registry.largestMaxAttempts}, the most the queues' maxReceiveCount allows (it is set above the largest maxAttempts of any task type)`,
        },
      ]);
    }
    // A request's own trace wins; else the trace in scope (the API request's, or the task's
    // whose handler enqueues a follow-up), so one trace id spans the whole workflow.
    const traceparent = input.traceparent ?? currentTraceparent();
    // The envelope carries the payload as sent: the consumer parses it with the same schema.
    const envelope = newEnvelope(
      {
        type: input.type,
        payload: input.payload,
        priority: route.priority,
        ...(input.idempotencyKey === undefined ? {} : { idempotencyKey: input.idempotencyKey }),
        ...(maxAttempts === undefined ? {} : { maxAttempts }),
        ...(input.traceId === undefined ? {} : { traceId: input.traceId }),
        ...(traceparent === undefined ? {} : { traceparent }),
        ...(derived.id === undefined ? {} : { id: derived.id }),
        links,
      },
      now,
    );
    return {
      envelope,
      route,
      task: {
        id: envelope.id,
        type: envelope.type,
        priority: route.priority,
        maxAttempts: maxAttempts ?? definition.maxAttempts,
        enqueuedAt: now,
        ...(payloadJson === undefined ? {} : { payloadJson }),
        ...(input.idempotencyKey === undefined ? {} : { idempotencyKey: input.idempotencyKey }),
        ...(delaySeconds > 0 ? { availableAt: now + delaySeconds * 1_000 } : {}),
        ...(delay.scheduled ? { status: 'SCHEDULED' as const } : {}),
        ...linksField(envelope),
      },
      message: messageFor(envelope, route, delay.scheduled ? 0 : delaySeconds),
      ...(delay.scheduled ? { schedule: { at: now + delaySeconds * 1_000 } } : {}),
    };
  }

  /**
   * Checks a callback's secret against where it runs: on AWS it must name one, under the
   * prefix the consumer may read. A task's and a group's callback pass the same check.
   */
  checkCallback(callback: Callback | undefined, request = 'invalid task request'): void {
    const name = callback?.secretName;
    const { callbackSecretRequired, callbackSecretPrefix: prefix } = this.options;
    if (!callback || (!name && !callbackSecretRequired)) return;
    if (!name) {
      throw new RequestValidationError(request, [
        {
          path: ['callback', 'secretName'],
          message:
            'is required on AWS: name the Secrets Manager secret whose value signs the callback',
        },
      ]);
    }
    if (prefix && !name.startsWith(prefix)) {
      throw new RequestValidationError(request, [
        {
          path: ['callback', 'secretName'],
          message: `must start with "${prefix}": the consumer may read only the secrets under it`,
        },
      ]);
    }
  }

  /** The payload as JSON text, checked against what SQS and the size limit accept. */
  private payloadJson(payload: unknown): string | undefined {
    let json: string | undefined;
    try {
      json = JSON.stringify(payload);
    } catch (cause) {
      throw new RequestValidationError('invalid task request', [
        { path: ['payload'], message: `is not JSON-serialisable: ${(cause as Error).message}` },
      ]);
    }
    // JSON escapes control characters and lone surrogates, but not these two, which SQS
    // refuses in a message body: refused here, the request gets a 400 instead of a 503.
    if (/[\uFFFE\uFFFF]/.test(json ?? '')) {
      throw new RequestValidationError('invalid task request', [
        { path: ['payload'], message: 'contains U+FFFE or U+FFFF, which SQS does not accept' },
      ]);
    }
    const bytes = Buffer.byteLength(json ?? '', 'utf8');
    if (bytes > this.options.maxPayloadBytes) {
      throw new PayloadTooLargeError('payload', bytes, this.options.maxPayloadBytes);
    }
    return json;
  }
}

/** The SQS message for an envelope; FIFO queues get one group per task (no ordering ties). */
export function messageFor(
  envelope: Envelope,
  route: QueueRoute,
  delaySeconds = 0,
): Omit<OutgoingMessage, 'id'> {
  return {
    body: serializeEnvelope(envelope),
    ...(delaySeconds > 0 ? { delaySeconds } : {}),
    ...(route.fifo ? { groupId: envelope.id, deduplicationId: envelope.id } : {}),
  };
}
