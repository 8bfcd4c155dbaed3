import { BREAKER_RUNBOOK_ANCHOR } from '../functions/core/flow/breakerNotice.js';

/**
 * What the breaker-opened alarm means and what to do, the same on AWS and locally. The
 * notice of each opening names the key; the alarm only counts them, since keys (one per
 * host) are no metric dimension.
 */
export function breakerOpenedRunbook(stateStack?: string): string {
  const stack = stateStack ? ` --stack ${stateStack}` : '';
  return `A circuit breaker opened: the tasks keyed to it wait, spending no attempt, until probes succeed. Its notice names the key (or list them: npx taskpipe breaker list${stack}); find it in the consumer's logs with Logs Insights: filter ispresent(BreakerOpened) | fields breaker. Check what those tasks call. See ${BREAKER_RUNBOOK_ANCHOR}.`;
}
