import type { Handler } from './ConsoleContext.js';
import { meta } from './handlers/meta.js';
import { metrics } from './handlers/metrics.js';
import { overview } from './handlers/overview.js';
import { task } from './handlers/task.js';
import { tasks } from './handlers/tasks.js';

/** One route: a method, a path with `:name` parameters, and its handler. */
export interface Route {
  method: 'GET';
  path: string;
  handler: Handler;
}

/** Every read of the console's API. Actions (POST) come with their CSRF check. */
export const ROUTES: readonly Route[] = [
  { method: 'GET', path: '/api/meta', handler: meta },
  { method: 'GET', path: '/api/overview', handler: overview },
  { method: 'GET', path: '/api/metrics', handler: metrics },
  { method: 'GET', path: '/api/tasks', handler: tasks },
  { method: 'GET', path: '/api/tasks/:id', handler: task },
];

/** The route and parameters for a path, if any route's path matches it. */
export function matchRoute(
  routes: readonly Route[],
  pathname: string,
): { route: Route; params: Record<string, string> } | undefined {
  const parts = pathname.split('/');
  for (const route of routes) {
    const pattern = route.path.split('/');
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const ok = pattern.every((p, i) => {
      const part = parts[i] ?? '';
      if (p.startsWith(':')) {
        if (!part) return false;
        params[p.slice(1)] = decodeURIComponent(part);
        return true;
      }
      return p === part;
    });
    if (ok) return { route, params };
  }
  return undefined;
}
