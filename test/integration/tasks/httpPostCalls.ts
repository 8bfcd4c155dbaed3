import { expect } from 'vitest';
import type { TaskpipeError } from '../../../functions/core/errors.js';
import type { PayloadOf } from '../../../functions/core/task.js';
import { type HttpPostErrorDetails, httpPost } from '../../../functions/tasks/httpPost.js';
import { createTaskContext, type TestTaskContext } from '../../helpers/taskContext.js';

/** Validates `payload` as the consumer would, then calls the handler. */
export async function runHttpPost(
  payload: PayloadOf<typeof httpPost>,
  ctx: TestTaskContext = createTaskContext(),
) {
  return httpPost.handler(httpPost.schema.parse(payload), ctx);
}

/** Awaits the rejection of `promise` and returns the error; fails the test if it resolves. */
export async function failure(promise: Promise<unknown>): Promise<TaskpipeError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error, 'the call should have failed').toBeInstanceOf(Error);
  return error as TaskpipeError;
}

/** The typed `details` of an `http.post` error. */
export function details(error: TaskpipeError): HttpPostErrorDetails {
  return error.details as HttpPostErrorDetails;
}
