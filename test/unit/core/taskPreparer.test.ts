import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { createRegistry } from '../../../functions/core/registry.js';
import { RequestValidationError } from '../../../functions/core/service/errors.js';
import { TaskPreparer } from '../../../functions/core/service/prepareTask.js';
import { defineTask } from '../../../functions/core/task.js';

const note = defineTask({ type: 'note', schema: z.object({ text: z.string() }), handler: () => 1 });
const preparer = new TaskPreparer({
  registry: createRegistry([note]),
  routes: [{ priority: 'default', name: 'q', url: 'http://q', dlqUrl: 'http://d', fifo: false }],
  maxPayloadBytes: 1_024,
});

describe('TaskPreparer', () => {
  it('refuses the two characters SQS rejects in a body, naming them', () => {
    for (const text of ['a\uFFFEb', 'a\uFFFFb']) {
      const error = (() => {
        try {
          preparer.prepare({ type: 'note', payload: { text } }, 0);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(RequestValidationError);
      expect(JSON.stringify((error as RequestValidationError).details)).toContain('U+FFFE');
    }
  });

  it('accepts what JSON escapes on its own: control characters and lone surrogates', () => {
    const prepared = preparer.prepare({ type: 'note', payload: { text: 'a\u0000\uD800b' } }, 0);
    expect(prepared.message.body).toContain('\\u0000');
    expect(prepared.message.body).toContain('\\ud800');
  });
});
