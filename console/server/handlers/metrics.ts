import type { MetricsView } from '../../shared/api.js';
import type { HandlerRequest } from '../ConsoleContext.js';

/** GET /api/metrics: throughput, failure rate and latency over the last hour. */
export function metrics({ ctx }: HandlerRequest): Promise<MetricsView> {
  return ctx.observations.metrics();
}
