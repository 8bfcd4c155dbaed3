import type { Target } from '../../cli/target.js';
import type { ScheduleDefinition } from '../../definition/schedules.js';
import type { OutboxMessage, OutboxSummary } from '../../local/email/Outbox.js';
import type { Observations } from './Observations.js';

/** What every handler reads from: the CLI's target (table, queues, task service) and observations. */
export interface ConsoleContext {
  target: Target;
  observations: Observations;
  /** The definition's schedules, each with its priority resolved. @default none */
  schedules?: readonly ResolvedSchedule[];
  /** The local runtime's outbox; a deployed stack has none. @default none */
  outbox?: ConsoleOutbox;
}

/** The outbox as the console reads it (the local runtime's `email.outbox`). */
export interface ConsoleOutbox {
  list(limit: number): OutboxSummary[];
  get(id: string): OutboxMessage | undefined;
}

/** A schedule with the priority it sends to (its own, or the definition's default). */
export type ResolvedSchedule = ScheduleDefinition & { priority: string };

/** The definition's schedules as the console lists and runs them. */
export function resolveSchedules(config: {
  schedules: readonly ScheduleDefinition[];
  defaultPriority: string;
}): ResolvedSchedule[] {
  return config.schedules.map((s) => ({ ...s, priority: s.priority ?? config.defaultPriority }));
}

/** One request as a handler sees it. */
export interface HandlerRequest {
  ctx: ConsoleContext;
  params: Record<string, string>;
  query: URLSearchParams;
}

/** A server handler per read: its answer is sent as JSON. */
export type Handler = (request: HandlerRequest) => Promise<unknown>;

/** An action's request: a read's, plus its parsed JSON body and who takes it. */
export interface ActionRequest extends HandlerRequest {
  body: unknown;
  /** The audit log's identity (`os-user:NAME`, or the AWS caller's ARN), e.g. a pause's `by`. */
  who: string;
}

/** What an action answers, and what goes into the audit log for it. */
export interface ActionResult {
  body: unknown;
  audit: {
    /** What it acted on: a task id, a queue, a filter. */
    target: string;
    /** How many tasks or messages it changed. */
    count: number;
    /** @default 'ok' */
    outcome?: string;
  };
}

/** A server handler per action (POST, behind the guard; see docs/console.md). */
export type ActionHandler = (request: ActionRequest) => Promise<ActionResult>;

/** A read: GET, with `:name` parameters in its path. */
export interface ReadRoute {
  method: 'GET';
  path: string;
  handler: Handler;
}

/** An action: POST, named for the audit log (e.g. `task.retry`). */
export interface ActionRoute {
  method: 'POST';
  path: string;
  action: string;
  handler: ActionHandler;
}

export type Route = ReadRoute | ActionRoute;
