import type { IncomingMessage } from 'node:http';
import { errorBody, statusFor } from '../../../functions/api/errorResponse.js';
import type { ActionRoute, ConsoleContext } from '../ConsoleContext.js';
import type { ActionGuard } from './ActionGuard.js';
import type { AuditLog } from './AuditLog.js';
import { readJsonBody } from './readJsonBody.js';

export interface Answer {
  status: number;
  body: unknown;
}

/**
 * One console action, start to end: the guard (read-only, same origin, CSRF token), the
 * JSON body, the route's handler, and an audit entry whatever the outcome. A refused
 * request never reaches the handler, so nothing changes.
 */
export async function runAction(
  req: IncomingMessage,
  route: ActionRoute,
  parts: {
    ctx: ConsoleContext;
    params: Record<string, string>;
    guard: ActionGuard;
    audit: AuditLog;
    onError?: (error: unknown) => void;
  },
): Promise<Answer> {
  const { guard, audit } = parts;
  const on = Object.values(parts.params).join(' ') || '-';
  const refusal = guard.check(req);
  if (refusal) {
    await audit.record({
      action: route.action,
      target: on,
      count: 0,
      outcome: `refused: ${refusal.code}`,
    });
    return { status: 403, body: { error: refusal } };
  }
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) {
    return {
      status: 415,
      body: { error: { code: 'unsupported_media_type', message: 'send application/json' } },
    };
  }
  try {
    const body = await readJsonBody(req);
    const result = await route.handler({
      ctx: parts.ctx,
      params: parts.params,
      query: new URLSearchParams(),
      body,
      who: await audit.who(),
    });
    await audit.record({
      action: route.action,
      target: result.audit.target,
      count: result.audit.count,
      outcome: result.audit.outcome ?? 'ok',
    });
    return { status: 200, body: result.body };
  } catch (error) {
    const status = statusFor(error);
    if (status >= 500) parts.onError?.(error);
    const described = errorBody(error);
    await audit.record({
      action: route.action,
      target: on,
      count: 0,
      outcome: `failed: ${described.code}`,
    });
    return { status, body: { error: described } };
  }
}
