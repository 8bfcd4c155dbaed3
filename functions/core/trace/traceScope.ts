import { AsyncLocalStorage } from 'node:async_hooks';
import type { LogFields, Logger } from '../ports.js';
import { formatTraceparent, type TraceContext } from './traceparent.js';

/** The trace of the request or task being handled; set once its envelope is read. */
interface Scope {
  trace?: TraceContext;
}

const scopes = new AsyncLocalStorage<Scope>();

/**
 * Runs `fn` in a scope of its own, so records handled concurrently never see each other's
 * trace. `trace` may be given now, or later with {@link enterTrace} from inside `fn`.
 */
export function runInTraceScope<T>(fn: () => T, trace?: TraceContext): T {
  return scopes.run(trace ? { trace } : {}, fn);
}

/** Sets the trace of the current scope (a record's, once its envelope has been parsed). */
export function enterTrace(trace: TraceContext): void {
  const scope = scopes.getStore();
  if (scope) scope.trace = trace;
}

/** The trace in scope, if any. */
export function currentTrace(): TraceContext | undefined {
  return scopes.getStore()?.trace;
}

/** The `traceparent` header of the trace in scope, if any. */
export function currentTraceparent(): string | undefined {
  const trace = currentTrace();
  return trace && formatTraceparent(trace);
}

/**
 * Wraps a logger so that every line written inside a trace scope carries `traceId`: the
 * key that joins the API's lines, the consumer's, and those of every follow-up task.
 */
export function tracedLogger(logger: Logger): Logger {
  // Entry points and the functions they build both wrap: a second wrap adds nothing.
  if (traced.has(logger)) return logger;
  const withTrace = (extra: LogFields[]): LogFields[] => {
    const trace = currentTrace();
    return trace ? [{ traceId: trace.traceId }, ...extra] : extra;
  };
  const wrapped: Logger = {
    debug: (message, ...extra) => logger.debug(message, ...withTrace(extra)),
    info: (message, ...extra) => logger.info(message, ...withTrace(extra)),
    warn: (message, ...extra) => logger.warn(message, ...withTrace(extra)),
    error: (message, ...extra) => logger.error(message, ...withTrace(extra)),
  };
  traced.add(wrapped);
  return wrapped;
}

const traced = new WeakSet<Logger>();
