import type { Route } from './ConsoleContext.js';
import { bulkRetry } from './handlers/actions/bulkRetry.js';
import { enqueueTask } from './handlers/actions/enqueueTask.js';
import {
  closeBreaker,
  openBreaker,
  pauseFlow,
  resumeFlow,
} from './handlers/actions/flowActions.js';
import { redrive } from './handlers/actions/redrive.js';
import { runSchedule } from './handlers/actions/runSchedule.js';
import { cancelTask, retryTask } from './handlers/actions/taskActions.js';
import { bulkRetryPreview } from './handlers/bulkRetryPreview.js';
import { flow } from './handlers/flow.js';
import { group } from './handlers/group.js';
import { meta } from './handlers/meta.js';
import { metrics } from './handlers/metrics.js';
import { outbox } from './handlers/outbox.js';
import { overview } from './handlers/overview.js';
import { schedules } from './handlers/schedules.js';
import { task } from './handlers/task.js';
import { tasks } from './handlers/tasks.js';
import { taskTypes } from './handlers/taskTypes.js';

export type { Route };

/**
 * Every read (GET) and action (POST) of the console's API. `/api/session` and
 * `/api/audit` are the server's own (see ConsoleServer). An action is named for the audit
 * log and runs only past the guard (read-only, same origin, CSRF token).
 */
export const ROUTES: readonly Route[] = [
  { method: 'GET', path: '/api/meta', handler: meta },
  { method: 'GET', path: '/api/overview', handler: overview },
  { method: 'GET', path: '/api/metrics', handler: metrics },
  { method: 'GET', path: '/api/tasks', handler: tasks },
  { method: 'GET', path: '/api/tasks/:id', handler: task },
  { method: 'GET', path: '/api/task-types', handler: taskTypes },
  { method: 'GET', path: '/api/schedules', handler: schedules },
  { method: 'GET', path: '/api/bulk-retry/preview', handler: bulkRetryPreview },
  { method: 'GET', path: '/api/outbox', handler: outbox },
  { method: 'GET', path: '/api/flow', handler: flow },
  { method: 'GET', path: '/api/groups/:id', handler: group },
  { method: 'POST', path: '/api/tasks/:id/retry', action: 'task.retry', handler: retryTask },
  { method: 'POST', path: '/api/tasks/:id/cancel', action: 'task.cancel', handler: cancelTask },
  { method: 'POST', path: '/api/enqueue', action: 'task.enqueue', handler: enqueueTask },
  { method: 'POST', path: '/api/bulk-retry', action: 'tasks.bulk-retry', handler: bulkRetry },
  { method: 'POST', path: '/api/redrive', action: 'dlq.redrive', handler: redrive },
  {
    method: 'POST',
    path: '/api/schedules/:name/run',
    action: 'schedule.run-now',
    handler: runSchedule,
  },
  { method: 'POST', path: '/api/flow/pause', action: 'flow.pause', handler: pauseFlow },
  { method: 'POST', path: '/api/flow/resume', action: 'flow.resume', handler: resumeFlow },
  {
    method: 'POST',
    path: '/api/flow/breaker/open',
    action: 'breaker.open',
    handler: openBreaker,
  },
  {
    method: 'POST',
    path: '/api/flow/breaker/close',
    action: 'breaker.close',
    handler: closeBreaker,
  },
];

/** The route and parameters for a method and path, if any route matches both. */
export function matchRoute(
  routes: readonly Route[],
  method: string,
  pathname: string,
): { route: Route; params: Record<string, string> } | undefined {
  const parts = pathname.split('/');
  for (const route of routes) {
    if (route.method !== method) continue;
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
