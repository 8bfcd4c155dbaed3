import * as z from 'zod';
import type { PauseTarget } from '../../../../functions/core/flow/FlowAdmin.js';
import { RequestValidationError } from '../../../../functions/core/service/errors.js';
import type { PauseActionView, ResumeActionView } from '../../../shared/api.js';
import type { ActionRequest, ActionResult, ConsoleContext } from '../../ConsoleContext.js';
import { parseOrThrow } from '../bulkFilter.js';
import { breakerView, pauseView, policyFor } from '../flow.js';

const onlyKnownKeys = (allowed: string) => (issue: { code: string }) =>
  issue.code === 'unrecognized_keys' ? `unknown field; allowed: ${allowed}` : undefined;

const pauseSchema = z.strictObject(
  {
    queue: z.string().trim().min(1).max(80).optional(),
    type: z.string().trim().min(1).max(64).optional(),
  },
  { error: onlyKnownKeys('"queue" or "type"') },
);

const breakerSchema = z.strictObject(
  { key: z.string().trim().min(1).max(300) },
  { error: onlyKnownKeys('"key"') },
);

/** The body's one target, or a 400 that names the queues and types there are. */
function pauseTarget(ctx: ConsoleContext, body: unknown): PauseTarget {
  const { queue, type } = parseOrThrow(pauseSchema, body, 'pause request');
  if (queue !== undefined && type === undefined) return { queue };
  if (type !== undefined && queue === undefined) return { type };
  const { routes, registry } = ctx.target;
  throw new RequestValidationError('invalid pause request', [
    {
      path: [],
      message: `give exactly one of "queue" (${routes.map((r) => r.priority).join(', ')}) or "type" (${registry.types.join(', ')})`,
    },
  ]);
}

const describe = (t: PauseTarget) => ('queue' in t ? `queue ${t.queue}` : `type ${t.type}`);

/** POST /api/flow/pause: `FlowAdmin.pause`, as `taskpipe pause` and `POST /flow/pauses`. */
export async function pauseFlow({ ctx, body, who }: ActionRequest): Promise<ActionResult> {
  const target = pauseTarget(ctx, body);
  const out = await ctx.target.flow.pause(target, who);
  const view: PauseActionView = { created: out.created, pause: pauseView(out.record) };
  return {
    body: view,
    audit: {
      target: describe(target),
      count: out.created ? 1 : 0,
      ...(out.created ? {} : { outcome: `ok: already paused by ${out.record.by}` }),
    },
  };
}

/** POST /api/flow/resume: `FlowAdmin.resume`, as `taskpipe resume`. */
export async function resumeFlow({ ctx, body }: ActionRequest): Promise<ActionResult> {
  const target = pauseTarget(ctx, body);
  const ended = await ctx.target.flow.resume(target);
  const view: ResumeActionView = {
    resumed: ended !== undefined,
    pause: ended ? pauseView(ended) : null,
  };
  return {
    body: view,
    audit: {
      target: describe(target),
      count: ended ? 1 : 0,
      ...(ended ? {} : { outcome: 'ok: was not paused' }),
    },
  };
}

/** POST /api/flow/breaker/open: `FlowAdmin.openBreaker`, held open until closed. */
export function openBreaker(request: ActionRequest): Promise<ActionResult> {
  return moveBreaker(request, 'open');
}

/** POST /api/flow/breaker/close: `FlowAdmin.closeBreaker`, as `taskpipe breaker close`. */
export function closeBreaker(request: ActionRequest): Promise<ActionResult> {
  return moveBreaker(request, 'close');
}

async function moveBreaker(
  { ctx, body, who }: ActionRequest,
  action: 'open' | 'close',
): Promise<ActionResult> {
  const { key } = parseOrThrow(breakerSchema, body, 'breaker request');
  const { flow, registry } = ctx.target;
  const record =
    action === 'open' ? await flow.openBreaker(key, who) : await flow.closeBreaker(key, who);
  return {
    body: breakerView(record, policyFor(key, registry), Date.now()),
    audit: { target: `breaker ${key}`, count: 1 },
  };
}
