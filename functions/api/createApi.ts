import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { FlowAdmin } from '../core/flow/FlowAdmin.js';
import type { Logger } from '../core/ports.js';
import type { TaskService } from '../core/service/TaskService.js';
import {
  childSpan,
  formatTraceparent,
  newTrace,
  parseTraceparent,
} from '../core/trace/traceparent.js';
import { runInTraceScope, tracedLogger } from '../core/trace/traceScope.js';
import type { GroupService } from '../core/workflow/GroupService.js';
import { errorBody, statusFor } from './errorResponse.js';
import { flowRoutes } from './flowRoutes.js';
import { groupRoutes } from './groupRoutes.js';
import { header } from './request.js';
import { matchRoute } from './router.js';
import { json, taskRoutes } from './routes.js';

export interface ApiDeps {
  service: TaskService;
  /** Serves the `/groups` routes when given. */
  groups?: GroupService;
  /** Serves the `/flow` routes (pauses, breakers) when given. */
  flow?: FlowAdmin;
  logger: Logger;
  /** Largest task payload, as JSON bytes. */
  maxPayloadBytes: number;
}

export type ApiHandler = (
  event: APIGatewayProxyEventV2,
) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * Builds the HTTP API: routes requests to the task service and turns every error into a
 * JSON `{ error: { code, message, details? } }` with its status. Logs one structured line
 * per request, naming the route pattern, never the raw path or the body. Each request runs in
 * the caller's W3C trace (its `traceparent` header), or a new one: the tasks it enqueues
 * carry it, its log lines name it, and the response's `traceparent` header returns it.
 */
export function createApi(deps: ApiDeps): ApiHandler {
  const routes = [
    ...taskRoutes(deps.service, deps.maxPayloadBytes),
    ...(deps.groups ? groupRoutes(deps.groups) : []),
    ...(deps.flow ? flowRoutes(deps.flow) : []),
  ];
  const logger = tracedLogger(deps.logger);
  const serve = routeRequest(routes, logger);
  return async (event) => {
    const caller = parseTraceparent(header(event, 'traceparent'));
    const trace = caller ? childSpan(caller) : newTrace();
    const response = await runInTraceScope(() => serve(event), trace);
    return { ...response, headers: { ...response.headers, traceparent: formatTraceparent(trace) } };
  };
}

function routeRequest(routes: ReturnType<typeof taskRoutes>, logger: Logger): ApiHandler {
  return async (event) => {
    const method = event.requestContext.http.method;
    let route = '(unmatched)';
    try {
      const match = matchRoute(routes, event);
      route = match.route.path;
      const response = await match.route.handler(match.request);
      logger.info('request served', { method, route, status: response.statusCode });
      return response;
    } catch (error) {
      const status = statusFor(error);
      const body = errorBody(error);
      if (status >= 500) {
        logger.error('request failed', { method, route, status, code: body.code, error });
      } else {
        logger.info('request refused', { method, route, status, code: body.code });
      }
      return json(status, { error: body });
    }
  };
}
