import type { IncomingMessage } from 'node:http';
import { RequestValidationError } from '../../../functions/core/service/errors.js';
import { DEFAULT_MAX_PAYLOAD_BYTES } from '../../../functions/core/service/prepareTask.js';

/** An action's body: a payload of the API's largest size fits with room to spare. */
export const MAX_ACTION_BODY_BYTES = 1024 * 1024;

/** The request's JSON body; an empty body is `{}`. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_ACTION_BODY_BYTES) {
      throw new RequestValidationError('invalid body', [
        {
          path: [],
          message: `must be at most ${MAX_ACTION_BODY_BYTES.toLocaleString('en')} bytes; a task's payload at most the pipeline's limit (${DEFAULT_MAX_PAYLOAD_BYTES.toLocaleString('en')} bytes by default)`,
        },
      ]);
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new RequestValidationError('invalid body', [{ path: [], message: 'must be JSON' }]);
  }
}
