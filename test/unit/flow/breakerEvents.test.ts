import { describe, expect, it } from 'vitest';
import { closed, newBreaker, opened } from '../../../functions/core/flow/breaker.js';
import {
  allBreakerEvents,
  BreakerNotices,
  breakerMetrics,
} from '../../../functions/core/flow/breakerEvents.js';
import type { BreakerNotice } from '../../../functions/core/flow/breakerNotice.js';
import { DEFAULT_BREAKER_POLICY as P } from '../../../functions/core/flow/breakerPolicy.js';
import { BY_BREAKER } from '../../../functions/core/flow/types.js';
import type { LogFields, Logger } from '../../../functions/core/ports.js';

function recordingLogger(): Logger & { errors: { message: string; fields: LogFields }[] } {
  const errors: { message: string; fields: LogFields }[] = [];
  return {
    errors,
    debug() {},
    info() {},
    warn() {},
    error(message, fields = {}) {
      errors.push({ message, fields });
    },
  };
}

const closedBreaker = newBreaker('host:a.example', 0);
const open = opened(closedBreaker, BY_BREAKER, 1_000, 31_000);
const probing = { ...open, state: 'half_open' as const, version: open.version + 1 };

describe('breaker events', () => {
  it('counts an opening and a closing, not probing or a re-opening', () => {
    const moves: string[] = [];
    const events = breakerMetrics({ breakerMoved: (e) => moves.push(`${e.move} ${e.key}`) });

    events.changed(open, closedBreaker, P);
    events.changed(probing, open, P);
    events.changed(opened(probing, BY_BREAKER, 2_000, 32_000), probing, P);
    events.changed(closed(probing, BY_BREAKER, 3_000), probing, P);

    expect(moves).toEqual(['opened host:a.example', 'closed host:a.example']);
  });

  it('publishes a notice per opening and closing, and settles once they are out', async () => {
    const published: BreakerNotice[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const notices = new BreakerNotices({
      pipeline: 'p',
      logger: recordingLogger(),
      publisher: {
        async publish(notice) {
          await gate;
          published.push(notice);
        },
      },
    });

    notices.changed(open, closedBreaker, P);
    notices.changed(probing, open, P);
    const settled = notices.settled();
    expect(published).toEqual([]);
    release();
    await settled;

    expect(published.map((n) => [n.key, n.move, n.transition])).toEqual([
      ['host:a.example', 'opened', 1],
    ]);
  });

  it('logs a notice it could not publish, with the transition, and never throws', async () => {
    const logger = recordingLogger();
    const notices = new BreakerNotices({
      pipeline: 'p',
      logger,
      publisher: {
        publish: () => Promise.reject(new Error('AuthorizationError: not allowed to publish')),
      },
    });

    expect(() => notices.changed(open, closedBreaker, P)).not.toThrow();
    await expect(notices.settled()).resolves.toBeUndefined();

    expect(logger.errors).toEqual([
      {
        message: 'breaker notice not published; the transition stands',
        fields: expect.objectContaining({
          breaker: 'host:a.example',
          move: 'opened',
          state: 'open',
          by: 'breaker',
          transition: 1,
          error: expect.objectContaining({
            message: expect.stringContaining('AuthorizationError'),
          }),
        }),
      },
    ]);
  });

  it('tells every listener even when one throws, and logs the one that did', () => {
    const logger = recordingLogger();
    const told: string[] = [];
    const events = allBreakerEvents(
      logger,
      {
        changed() {
          throw new Error('broken listener');
        },
      },
      { changed: (next) => told.push(next.state) },
    );

    events.changed(open, closedBreaker, P);

    expect(told).toEqual(['open']);
    expect(logger.errors[0]?.fields).toMatchObject({ breaker: 'host:a.example', state: 'open' });
  });
});
