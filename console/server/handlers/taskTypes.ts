import type { TaskTypeView } from '../../shared/api.js';
import type { HandlerRequest } from '../ConsoleContext.js';
import { payloadForm } from '../schemaForm.js';

/** GET /api/task-types: each registered type with the form its payload schema makes. */
export async function taskTypes({ ctx }: HandlerRequest): Promise<TaskTypeView[]> {
  return ctx.target.registry.definitions
    .map((d) => ({ type: d.type, form: payloadForm(d.schema) }))
    .sort((a, b) => a.type.localeCompare(b.type));
}
