import * as z from 'zod';
import { queueDepths } from '../../../../cli/queues.js';
import { redriveQueue } from '../../../../cli/redrive/redriveQueue.js';
import { RequestValidationError } from '../../../../functions/core/service/errors.js';
import type { RedriveView } from '../../../shared/api.js';
import type { ActionRequest, ActionResult } from '../../ConsoleContext.js';
import { parseOrThrow } from '../bulkFilter.js';

/** Most dead letters one request moves: a long redrive is many short requests. */
export const REDRIVE_CAP = 100;

const bodySchema = z.strictObject({
  /** The DLQ's priority. */
  queue: z.string().min(1).max(64),
  max: z.number().int().min(1).max(REDRIVE_CAP).default(REDRIVE_CAP),
  /** When the whole run began, epoch ms: letters dead-lettered after it wait for the next run. */
  startedAt: z.number().int().nonnegative(),
  includePoison: z.boolean().default(false),
});

/**
 * POST /api/redrive: one capped batch of a DLQ redrive, through `redriveQueue`, the code
 * behind `taskpipe redrive`. The web app repeats it until the part asked for has moved or
 * a batch moves nothing, with a progress bar, and can stop between batches.
 */
export async function redrive({ ctx, body }: ActionRequest): Promise<ActionResult> {
  const opts = parseOrThrow(bodySchema, body, 'redrive');
  const { target } = ctx;
  const route = target.routes.find((r) => r.priority === opts.queue);
  if (!route) {
    const known = target.routes.map((r) => r.priority).join(', ');
    throw new RequestValidationError('unknown queue', [
      { path: ['queue'], message: `no queue with priority "${opts.queue}"; known: ${known}` },
    ]);
  }
  const [depth] = await queueDepths(target.sqs, [route]);
  const report = await redriveQueue(target, route, {
    budget: { remaining: opts.max },
    depthAtStart: (depth?.dlq.visible ?? 0) + (depth?.dlq.inFlight ?? 0),
    includePoison: opts.includePoison,
    startedAt: opts.startedAt,
    onMessage: () => {},
  });
  const view: RedriveView = { ...report };
  const left = report.left + report.notDeleted;
  return {
    body: view,
    audit: {
      target: `dead-letter queue ${route.priority}`,
      count: report.moved,
      ...(left ? { outcome: `ok; ${left} left` } : {}),
    },
  };
}
