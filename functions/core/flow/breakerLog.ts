import type { Logger } from '../ports.js';
import type { BreakerEvents } from './ports.js';

/**
 * Breaker transitions as structured log lines: an opening is a warning naming the key,
 * who moved it and when probing starts; the other moves are information.
 */
export function breakerLog(logger: Logger): BreakerEvents {
  return {
    changed(next, previous) {
      const fields = {
        breaker: next.key,
        state: next.state,
        previous: previous?.state ?? 'closed',
        by: next.by,
        ...(next.until === undefined ? {} : { until: new Date(next.until).toISOString() }),
      };
      if (next.state === 'open') logger.warn('circuit breaker opened', fields);
      else logger.info(`circuit breaker ${next.state === 'closed' ? 'closed' : 'probing'}`, fields);
    },
  };
}
