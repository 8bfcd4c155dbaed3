import * as z from 'zod';
import { RequestValidationError } from '../core/service/errors.js';
import { MAX_PAGE_SIZE, parseRequest } from '../core/service/requests.js';
import { toTaskView } from '../core/service/taskView.js';
import type { AddedMembers, GroupService, GroupView } from '../core/workflow/GroupService.js';
import type { GroupRecord } from '../core/workflow/types.js';
import { MAX_GROUP_SIZE } from '../core/workflow/workflowIds.js';
import { errorBody } from './errorResponse.js';
import { MAX_BATCH_BODY_BYTES } from './lambdaEventLimit.js';
import { readJsonBody } from './request.js';
import type { ApiRequest, Route } from './router.js';
import { json } from './routes.js';

const body = {
  bytes: MAX_BATCH_BODY_BYTES,
  explain: `a group request may have ${MAX_BATCH_BODY_BYTES} bytes; add larger groups in parts`,
};

const membersQuerySchema = z.strictObject({
  offset: z.coerce.number().int().min(0).max(MAX_GROUP_SIZE).default(0),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE}, the largest page`)
    .default(25),
});

const groupUrl = (request: ApiRequest, id: string) =>
  `${request.basePath}/groups/${encodeURIComponent(id)}`;

function groupSummary(request: ApiRequest, group: GroupRecord) {
  return {
    groupId: group.id,
    state: group.state,
    ...(group.total === undefined ? {} : { total: group.total }),
    added: group.added,
    statusUrl: groupUrl(request, group.id),
  };
}

/** One result per task, as `POST /tasks/batch` answers. */
function added(request: ApiRequest, out: AddedMembers) {
  return {
    ...groupSummary(request, out.group),
    tasks: out.results.map((r) =>
      r.ok
        ? { index: r.index, taskId: r.taskId, status: r.status }
        : { index: r.index, ...(r.taskId ? { taskId: r.taskId } : {}), error: errorBody(r.error) },
    ),
  };
}

function viewBody(view: GroupView) {
  return {
    ...view,
    members: view.members.map((m) => ({
      index: m.index,
      taskId: m.taskId,
      ...(m.task ? { task: toTaskView(m.task) } : {}),
    })),
  };
}

/** The group routes (docs/workflows.md). */
export function groupRoutes(groups: GroupService): Route[] {
  const id = (request: ApiRequest) => request.params.id ?? '';
  return [
    {
      method: 'POST',
      path: '/groups',
      handler: async (request) =>
        json(202, added(request, await groups.create(readJsonBody(request.event, body)))),
    },
    {
      method: 'POST',
      path: '/groups/{id}/tasks',
      handler: async (request) =>
        json(202, added(request, await groups.add(id(request), readJsonBody(request.event, body)))),
    },
    {
      method: 'POST',
      path: '/groups/{id}/seal',
      handler: async (request) => {
        const group = await groups.seal(id(request), readJsonBody(request.event, body));
        return json(200, groupSummary(request, group));
      },
    },
    {
      method: 'GET',
      path: '/groups/{id}',
      handler: async (request) => {
        const query = request.event.queryStringParameters ?? {};
        const parsed = parseRequest(membersQuerySchema, query);
        if (!parsed.ok) throw new RequestValidationError('invalid query', parsed.issues);
        return json(200, viewBody(await groups.describe(id(request), parsed.value)));
      },
    },
  ];
}
