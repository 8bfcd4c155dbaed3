import type { Logger } from '../ports.js';
import { breakerMove, breakerNoticeOf } from './breakerNotice.js';
import type { BreakerPolicy } from './breakerPolicy.js';
import type { BreakerEvents, FlowMetrics, NoticePublisher } from './ports.js';
import type { BreakerRecord } from './types.js';

/** Tells each listener in turn; one that throws is logged and does not stop the others. */
export function allBreakerEvents(logger: Logger, ...listeners: BreakerEvents[]): BreakerEvents {
  return {
    changed(next, previous, policy) {
      for (const listener of listeners) {
        try {
          listener.changed(next, previous, policy);
        } catch (error) {
          logger.error('a breaker transition listener failed; the transition stands', {
            breaker: next.key,
            state: next.state,
            error,
          });
        }
      }
    },
  };
}

/** Openings and closings as counts: the instance that made the transition counts it. */
export function breakerMetrics(metrics: FlowMetrics): BreakerEvents {
  return {
    changed(next, previous) {
      const move = breakerMove(next, previous);
      if (move === 'opened' || move === 'closed') metrics.breakerMoved({ key: next.key, move });
    },
  };
}

/**
 * Publishes the notice of each opening and closing to the alarm targets. Publishing runs
 * beside the batch: a failure is logged with the transition it was about and never fails a
 * task. {@link settled} waits for what is in flight, so a Lambda does not freeze mid-send.
 */
export class BreakerNotices implements BreakerEvents {
  readonly #inFlight = new Set<Promise<void>>();

  constructor(
    private readonly deps: { pipeline: string; publisher: NoticePublisher; logger: Logger },
  ) {}

  changed(next: BreakerRecord, previous: BreakerRecord | undefined, policy?: BreakerPolicy): void {
    const notice = breakerNoticeOf(this.deps.pipeline, next, previous, policy);
    if (!notice) return;
    const sending: Promise<void> = Promise.resolve()
      .then(() => this.deps.publisher.publish(notice))
      .catch((error: unknown) => {
        this.deps.logger.error('breaker notice not published; the transition stands', {
          breaker: notice.key,
          move: notice.move,
          state: notice.state,
          by: notice.by,
          transition: notice.transition,
          error,
        });
      })
      .finally(() => this.#inFlight.delete(sending));
    this.#inFlight.add(sending);
  }

  /** Resolves once every notice started so far is published or logged as lost; never rejects. */
  async settled(): Promise<void> {
    await Promise.all([...this.#inFlight]);
  }
}
