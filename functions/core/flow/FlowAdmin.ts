import { RetryableError } from '../errors.js';
import type { Clock, QueueRoute } from '../ports.js';
import type { TaskRegistry } from '../registry.js';
import {
  RequestValidationError,
  TaskRequestError,
  UnknownTaskTypeError,
} from '../service/errors.js';
import { closed, newBreaker, opened } from './breaker.js';
import type { BreakerEvents, FlowStore, PauseList } from './ports.js';
import type { BreakerRecord, PauseRecord } from './types.js';

/** Turns a queue's event source on or off (Lambda's mapping on AWS, the poller locally). */
export interface QueueSwitch {
  setEnabled(queue: QueueRoute, enabled: boolean): Promise<void>;
}

/** This front-end cannot switch a queue's event source (the API on AWS has no such right). */
export class QueuePauseUnavailableError extends TaskRequestError {
  readonly reason = 'queue_pause_unavailable';
  constructor() {
    super(
      'a queue is paused by disabling its event source mapping, which needs your credentials: use `taskpipe pause --queue <priority> --stack <stack>`; task types can be paused here',
    );
  }
}

/** What to pause or resume: one queue (by priority or name), or one task type. */
export type PauseTarget = { queue: string } | { type: string };

/** A breaker key: `host:<host[:port]>` (http.post) or `type:<task type>`. */
const HOST_KEY = /^host:[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?(:\d{1,5})?$/i;

/** Everything flow control holds, for `stats`, the API and the console. */
export interface FlowStatus {
  pauses: PauseList;
  breakers: BreakerRecord[];
}

/** A pause as recorded; a type's pause names the FIFO queues where its tasks still run. */
export interface PauseOutcome {
  created: boolean;
  record: PauseRecord;
  notHeldOn?: string[];
}

/**
 * The operator's side of flow control, shared by the CLI, the API and the console: pause
 * and resume queues and types, open and close breakers, and say what is in force.
 */
export class FlowAdmin {
  constructor(
    private readonly deps: {
      store: FlowStore;
      clock: Clock;
      routes: readonly QueueRoute[];
      registry: TaskRegistry;
      /**
       * How a queue pauses: a switch (AWS: the event source mapping, with the caller's
       * credentials), or `watched` (the local runtime stops its poller when it sees the
       * pause). With neither, queue pauses are refused: a pause recorded but not in force
       * would mislead.
       */
      queueSwitch?: QueueSwitch | 'watched';
      /**
       * Told of each breaker an operator moves (log, counts, alarm targets); `settled` is
       * awaited so the notice is out before the caller hears back. @default nobody
       */
      events?: BreakerEvents & { settled?(): Promise<void> };
    },
  ) {}

  async status(): Promise<FlowStatus> {
    const [pauses, breakers] = await Promise.all([
      this.deps.store.readPauses(),
      this.deps.store.listBreakers(),
    ]);
    return { pauses, breakers };
  }

  async pause(target: PauseTarget, by: string): Promise<PauseOutcome> {
    const since = this.deps.clock.now();
    if ('queue' in target) {
      const route = this.route(target.queue);
      // The switch first: a pause recorded but not in force would mislead the operator.
      await this.switchQueue(route, false);
      return this.deps.store.pause({ scope: 'queue', name: route.priority, since, by });
    }
    this.knownType(target.type);
    const out = await this.deps.store.pause({ scope: 'type', name: target.type, since, by });
    // Any type may be sent to any queue, and a FIFO queue cannot defer: say where the
    // pause does not hold, rather than let the operator believe it does.
    const fifo = this.deps.routes.filter((r) => r.fifo).map((r) => r.priority);
    return fifo.length > 0 ? { ...out, notHeldOn: fifo } : out;
  }

  /** Resumes; returns the pause that ended, or undefined when none was in force. */
  async resume(target: PauseTarget): Promise<PauseRecord | undefined> {
    if ('queue' in target) {
      const route = this.route(target.queue);
      await this.switchQueue(route, true);
      return this.deps.store.resume('queue', route.priority);
    }
    this.knownType(target.type);
    return this.deps.store.resume('type', target.type);
  }

  /** Opens a breaker until someone closes it. */
  openBreaker(key: string, by: string): Promise<BreakerRecord> {
    return this.move(key, (record, now) => opened(record, by, now, undefined));
  }

  closeBreaker(key: string, by: string): Promise<BreakerRecord> {
    return this.move(key, (record, now) => closed(record, by, now));
  }

  private async move(
    key: string,
    next: (record: BreakerRecord, now: number) => BreakerRecord,
  ): Promise<BreakerRecord> {
    this.checkKey(key);
    // A consumer may move it between the read and the write: read again and retry.
    for (let round = 0; round < 5; round++) {
      const now = this.deps.clock.now();
      const stored = await this.deps.store.readBreaker(key);
      const record = stored ?? newBreaker(key, now);
      const moved = next(record, now);
      if (await this.deps.store.transition(moved)) {
        const { events } = this.deps;
        if (events && moved.state !== record.state) {
          events.changed(moved, stored);
          await events.settled?.();
        }
        return moved;
      }
    }
    throw new RetryableError(
      `breaker ${key} was moved by consumers five times in a row; try again`,
    );
  }

  private async switchQueue(route: QueueRoute, enabled: boolean): Promise<void> {
    const { queueSwitch } = this.deps;
    if (queueSwitch === 'watched') return;
    if (!queueSwitch) throw new QueuePauseUnavailableError();
    await queueSwitch.setEnabled(route, enabled);
  }

  private route(queue: string): QueueRoute {
    const route = this.deps.routes.find((r) => r.priority === queue || r.name === queue);
    if (route) return route;
    throw new RequestValidationError('unknown queue', [
      {
        path: ['queue'],
        message: `must be one of ${this.deps.routes.map((r) => r.priority).join(', ')} (a priority or a queue name)`,
      },
    ]);
  }

  private knownType(type: string): void {
    if (!this.deps.registry.has(type))
      throw new UnknownTaskTypeError(type, this.deps.registry.types);
  }

  private checkKey(key: string): void {
    const type = key.startsWith('type:') ? key.slice('type:'.length) : undefined;
    if (type !== undefined) this.knownType(type);
    else if (!HOST_KEY.test(key)) {
      throw new RequestValidationError('invalid breaker key', [
        { path: ['key'], message: 'must be host:<host[:port]> or type:<task type>' },
      ]);
    }
  }
}
