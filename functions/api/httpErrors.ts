import { TaskRequestError } from '../core/service/errors.js';

/** Errors of the HTTP layer itself, before a request reaches the service. */

/** The body is not JSON (415 is for the declared type; this is for the content). */
export class MalformedJsonError extends TaskRequestError {
  readonly reason = 'malformed_json';
  constructor(detail: string) {
    super(`request body is not valid JSON: ${detail}`);
  }
}

export class UnsupportedMediaTypeError extends TaskRequestError {
  readonly reason = 'unsupported_media_type';
  constructor() {
    super('content-type must be application/json');
  }
}

export class RouteNotFoundError extends TaskRequestError {
  readonly reason = 'route_not_found';
  constructor() {
    super('no such route; see GET /tasks, POST /tasks, POST /tasks/batch, GET /tasks/{id}');
  }
}

export class MethodNotAllowedError extends TaskRequestError {
  readonly reason = 'method_not_allowed';
  constructor(readonly allowed: readonly string[]) {
    super(`method not allowed here; allowed: ${allowed.join(', ')}`, {
      details: { allowed: [...allowed] },
    });
  }
}
