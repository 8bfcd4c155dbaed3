import * as z from 'zod';
import { taskTypeSchema } from '../core/envelope.js';
import type { FlowAdmin, PauseTarget } from '../core/flow/FlowAdmin.js';
import { RequestValidationError } from '../core/service/errors.js';
import { parseRequest } from '../core/service/requests.js';
import { readJsonBody } from './request.js';
import type { ApiRequest, Route } from './router.js';
import { json } from './routes.js';

const body = { bytes: 4_096, explain: 'a flow-control request has a few short fields' };
const byField = z.string().trim().min(1).max(128).optional();

const pauseSchema = z.union([
  z.strictObject({ queue: z.string().min(1).max(80), by: byField }),
  z.strictObject({ type: taskTypeSchema, by: byField }),
]);

const byOnlySchema = z.strictObject({ by: byField }).prefault({});

/** Who acts: the body's `by`, else the IAM caller, else `api`. */
function actor(request: ApiRequest, by: string | undefined): string {
  const iam = (request.event.requestContext as { authorizer?: { iam?: { userArn?: string } } })
    .authorizer?.iam?.userArn;
  return by ?? iam ?? 'api';
}

/** The value `schema` makes of `value`, or a 400 listing every problem. */
function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const parsed = parseRequest(schema, value);
  if (!parsed.ok) throw new RequestValidationError(what, parsed.issues);
  return parsed.value;
}

function optionalBody(request: ApiRequest): unknown {
  return request.event.body ? readJsonBody(request.event, body) : {};
}

function target(scope: string | undefined, name: string | undefined): PauseTarget {
  const parsed = parse(
    z.discriminatedUnion('scope', [
      z.strictObject({ scope: z.literal('queue'), name: z.string().min(1).max(80) }),
      z.strictObject({ scope: z.literal('type'), name: taskTypeSchema }),
    ]),
    { scope, name },
    'invalid pause',
  );
  return parsed.scope === 'queue' ? { queue: parsed.name } : { type: parsed.name };
}

/** The `/flow` routes: what is paused, and which breakers opened; pause, resume, open, close. */
export function flowRoutes(flow: FlowAdmin): Route[] {
  return [
    { method: 'GET', path: '/flow', handler: async () => json(200, await flow.status()) },
    {
      method: 'POST',
      path: '/flow/pauses',
      handler: async (request) => {
        const input = parse(pauseSchema, readJsonBody(request.event, body), 'invalid pause');
        const pauseTarget: PauseTarget =
          'queue' in input ? { queue: input.queue } : { type: input.type };
        const out = await flow.pause(pauseTarget, actor(request, input.by));
        return json(out.created ? 201 : 200, out);
      },
    },
    {
      method: 'DELETE',
      path: '/flow/pauses/{scope}/{name}',
      handler: async (request) => {
        const ended = await flow.resume(target(request.params.scope, request.params.name));
        return json(200, { resumed: ended !== undefined, pause: ended ?? null });
      },
    },
    ...(['open', 'close'] as const).map(
      (action): Route => ({
        method: 'POST',
        path: `/flow/breakers/{key}/${action}`,
        handler: async (request) => {
          const { by } = parse(byOnlySchema, optionalBody(request), 'invalid request');
          const key = request.params.key ?? '';
          const who = actor(request, by);
          const record =
            action === 'open'
              ? await flow.openBreaker(key, who)
              : await flow.closeBreaker(key, who);
          return json(200, record);
        },
      }),
    ),
  ];
}
