import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { MethodNotAllowedError, RouteNotFoundError } from './httpErrors.js';

/** What a route handler gets: the event, its path parameters and the stage's base path. */
export interface ApiRequest {
  event: APIGatewayProxyEventV2;
  params: Record<string, string>;
  /** `''` on the `$default` stage, else `/<stage>`: prefix for URLs handed back. */
  basePath: string;
}

export type RouteHandler = (request: ApiRequest) => Promise<APIGatewayProxyStructuredResultV2>;

export interface Route {
  method: string;
  /** Like `/tasks/{id}/retry`; a `{name}` segment matches one non-empty segment. */
  path: string;
  handler: RouteHandler;
}

export interface RouteMatch {
  route: Route;
  request: ApiRequest;
}

/**
 * Matches on `requestContext.http.method` and `rawPath`, not on `routeKey`, so the same
 * router serves API Gateway (a route key per route, or `$default`) and a local server.
 * Throws {@link RouteNotFoundError} or {@link MethodNotAllowedError}.
 */
export function matchRoute(routes: readonly Route[], event: APIGatewayProxyEventV2): RouteMatch {
  const stage = event.requestContext.stage;
  const basePath = !stage || stage === '$default' ? '' : `/${stage}`;
  let path = event.rawPath || '/';
  // A named stage's HTTP API puts the stage in front of the path.
  if (basePath && (path === basePath || path.startsWith(`${basePath}/`))) {
    path = path.slice(basePath.length) || '/';
  }
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  const segments = path.split('/').slice(1);

  const allowed: string[] = [];
  for (const route of routes) {
    const params = matchPath(route.path, segments);
    if (!params) continue;
    if (route.method !== event.requestContext.http.method.toUpperCase()) {
      allowed.push(route.method);
      continue;
    }
    return { route, request: { event, params, basePath } };
  }
  if (allowed.length) throw new MethodNotAllowedError(allowed);
  throw new RouteNotFoundError();
}

function matchPath(pattern: string, segments: string[]): Record<string, string> | undefined {
  const parts = pattern.split('/').slice(1);
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of parts.entries()) {
    const segment = segments[i] ?? '';
    if (part.startsWith('{') && part.endsWith('}')) {
      if (!segment) return undefined;
      params[part.slice(1, -1)] = decodeSegment(segment);
    } else if (part !== segment) {
      return undefined;
    }
  }
  return params;
}

/** A malformed escape stays as it is; the service then finds no such task. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
