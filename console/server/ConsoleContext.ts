import type { Target } from '../../cli/target.js';
import type { Observations } from './Observations.js';

/** What every handler reads from: the CLI's target (table, queues, task service) and observations. */
export interface ConsoleContext {
  target: Target;
  observations: Observations;
}

/** One request as a handler sees it. */
export interface HandlerRequest {
  ctx: ConsoleContext;
  params: Record<string, string>;
  query: URLSearchParams;
}

/** A server handler per read: its answer is sent as JSON. */
export type Handler = (request: HandlerRequest) => Promise<unknown>;
