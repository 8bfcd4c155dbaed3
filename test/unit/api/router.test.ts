import { describe, expect, it } from 'vitest';
import { MethodNotAllowedError, RouteNotFoundError } from '../../../functions/api/httpErrors.js';
import { matchRoute, type Route } from '../../../functions/api/router.js';
import { apiEvent } from '../../helpers/apiEvents.js';

const handler = async () => ({ statusCode: 200 });
const routes: Route[] = [
  { method: 'POST', path: '/tasks', handler },
  { method: 'POST', path: '/tasks/batch', handler },
  { method: 'GET', path: '/tasks/{id}', handler },
  { method: 'POST', path: '/tasks/{id}/retry', handler },
];

describe('matchRoute', () => {
  it('matches on method and raw path whatever the route key', () => {
    const viaGateway = matchRoute(
      routes,
      apiEvent('GET', '/tasks/abc', { routeKey: 'GET /tasks/{id}' }),
    );
    const viaLocal = matchRoute(routes, apiEvent('GET', '/tasks/abc'));

    expect(viaGateway.route.path).toBe('/tasks/{id}');
    expect(viaLocal.request.params).toEqual({ id: 'abc' });
    expect(viaLocal.request.basePath).toBe('');
  });

  it('strips a named stage from the path and keeps it as the base path', () => {
    const match = matchRoute(routes, apiEvent('POST', '/tasks/01J%3Ax/retry', { stage: 'prod' }));

    expect(match.route.path).toBe('/tasks/{id}/retry');
    expect(match.request.params.id).toBe('01J:x');
    expect(match.request.basePath).toBe('/prod');
  });

  it('prefers the literal /tasks/batch and tolerates a trailing slash', () => {
    expect(matchRoute(routes, apiEvent('POST', '/tasks/batch')).route.path).toBe('/tasks/batch');
    expect(matchRoute(routes, apiEvent('POST', '/tasks/')).route.path).toBe('/tasks');
  });

  it('throws 404 and 405 errors for unknown paths and methods', () => {
    expect(() => matchRoute(routes, apiEvent('GET', '/tasks/a/b/c'))).toThrow(RouteNotFoundError);
    expect(() => matchRoute(routes, apiEvent('GET', '/tasks//retry'))).toThrow(RouteNotFoundError);
    expect(() => matchRoute(routes, apiEvent('PUT', '/tasks'))).toThrow(MethodNotAllowedError);
  });
});
