import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { taskTypeSchema } from '../core/envelope.js';
import { RequestValidationError } from '../core/service/errors.js';
import {
  batchRequestSchema,
  MAX_BATCH_TASKS,
  MAX_PAGE_SIZE,
  parseRequest,
} from '../core/service/requests.js';
import type { TaskService } from '../core/service/TaskService.js';
import { toTaskDetailView, toTaskView } from '../core/service/taskView.js';
import { TASK_STATUSES } from '../core/status.js';
import { errorBody } from './errorResponse.js';
import { LAMBDA_EVENT_LIMIT_BYTES, MAX_BATCH_BODY_BYTES } from './lambdaEventLimit.js';
import { readJsonBody } from './request.js';
import type { ApiRequest, Route } from './router.js';

/** Room for the request's fields around the payload (type, keys, JSON punctuation). */
const REQUEST_ROOM_BYTES = 16_384;

const listQuerySchema = z.strictObject({
  // Any case, as people type it: `failed` is FAILED.
  status: z.preprocess(
    (v) => (typeof v === 'string' ? v.toUpperCase() : v),
    z.enum(TASK_STATUSES).optional(),
  ),
  type: taskTypeSchema.optional(),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE}, the largest page`)
    .default(25),
  cursor: z.string().min(1).max(2_048).optional(),
});

/** `GET /tasks/by-key`: a task type and an idempotency key, as enqueued. */
const byKeyQuerySchema = z.strictObject({
  type: taskTypeSchema,
  key: z.string().min(1).max(256),
});

export function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
}

const statusUrl = (request: ApiRequest, id: string) =>
  `${request.basePath}/tasks/${encodeURIComponent(id)}`;

/** The HTTP routes over the task service. Order matters: `/tasks/batch` before `/tasks/{id}`. */
export function taskRoutes(service: TaskService, maxPayloadBytes: number): Route[] {
  const single = {
    bytes: maxPayloadBytes + REQUEST_ROOM_BYTES,
    explain: `payloads may have ${maxPayloadBytes} bytes, plus ${REQUEST_ROOM_BYTES} for the other fields`,
  };
  const batch = {
    bytes: MAX_BATCH_BODY_BYTES,
    explain: `a batch body may have ${MAX_BATCH_BODY_BYTES} bytes, so that its Lambda event stays under ${LAMBDA_EVENT_LIMIT_BYTES} bytes even when JSON escaping makes it 6 times larger; split larger batches`,
  };
  return [
    {
      method: 'POST',
      path: '/tasks',
      handler: async (request) => {
        const result = await service.enqueue(readJsonBody(request.event, single));
        const url = statusUrl(request, result.taskId);
        if (!result.deduplicated) {
          return json(202, { taskId: result.taskId, status: result.status, statusUrl: url });
        }
        const task = toTaskView(result.record);
        return json(200, {
          taskId: result.taskId,
          status: task.status,
          statusUrl: url,
          deduplicated: true,
          task,
        });
      },
    },
    {
      method: 'POST',
      path: '/tasks/batch',
      handler: async (request) => {
        const parsed = parseRequest(batchRequestSchema, readJsonBody(request.event, batch));
        if (!parsed.ok) {
          throw new RequestValidationError(
            `a batch is { tasks: [1–${MAX_BATCH_TASKS} tasks] }`,
            parsed.issues,
          );
        }
        const results = await service.enqueueBatch(parsed.value.tasks);
        return json(200, {
          results: results.map((r) =>
            r.ok
              ? {
                  index: r.index,
                  taskId: r.taskId,
                  status: r.status,
                  ...(r.deduplicated ? { deduplicated: true } : {}),
                }
              : {
                  index: r.index,
                  ...(r.taskId ? { taskId: r.taskId } : {}),
                  error: errorBody(r.error),
                },
          ),
        });
      },
    },
    {
      method: 'GET',
      path: '/tasks',
      handler: async (request) => {
        const parsed = parseRequest(listQuerySchema, request.event.queryStringParameters ?? {});
        if (!parsed.ok) throw new RequestValidationError('invalid query', parsed.issues);
        const page = await service.list(parsed.value);
        return json(200, {
          tasks: page.tasks.map(toTaskView),
          ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
        });
      },
    },
    {
      method: 'GET',
      path: '/tasks/by-key',
      // The latest task for the key: with a dedup window, each window has a task of its own.
      handler: async (request) => {
        const parsed = parseRequest(byKeyQuerySchema, request.event.queryStringParameters ?? {});
        if (!parsed.ok) throw new RequestValidationError('invalid query', parsed.issues);
        const { type, key } = parsed.value;
        return json(200, toTaskDetailView(await service.getByIdempotencyKey(type, key)));
      },
    },
    {
      method: 'GET',
      path: '/tasks/{id}',
      handler: async (request) => json(200, toTaskDetailView(await service.get(param(request)))),
    },
    {
      method: 'POST',
      path: '/tasks/{id}/retry',
      handler: async (request) => {
        const task = toTaskView(await service.retry(param(request)));
        return json(202, {
          taskId: task.id,
          status: task.status,
          statusUrl: statusUrl(request, task.id),
          task,
        });
      },
    },
    {
      method: 'POST',
      path: '/tasks/{id}/cancel',
      handler: async (request) => {
        const record = await service.cancel(param(request));
        // Still running: only its chain stopped, which is accepted, not done.
        return record.status === 'RUNNING'
          ? json(202, { ...toTaskView(record), chainStopped: true })
          : json(200, toTaskView(record));
      },
    },
  ];
}

const param = (request: ApiRequest) => request.params.id ?? '';
