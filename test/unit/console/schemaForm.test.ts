import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { payloadForm } from '../../../console/server/schemaForm.js';
import { httpPostPayloadSchema } from '../../../functions/tasks/httpPostPayload.js';

describe('payloadForm: the enqueue form from a payload schema', () => {
  it('makes an input per field of an object of plain values', () => {
    const form = payloadForm(
      z.object({
        name: z.string().max(10),
        count: z.number().int().min(1).max(5),
        ratio: z.number().optional(),
        dry: z.boolean().optional(),
        mode: z.enum(['fast', 'slow']),
        lines: z.array(z.string()),
      }),
    );
    expect(form).toEqual({
      kind: 'fields',
      fields: [
        { name: 'name', required: true, kind: 'string', maxLength: 10 },
        { name: 'count', required: true, kind: 'integer', min: 1, max: 5 },
        { name: 'ratio', required: false, kind: 'number' },
        { name: 'dry', required: false, kind: 'boolean' },
        { name: 'mode', required: true, kind: 'enum', options: ['fast', 'slow'] },
        { name: 'lines', required: true, kind: 'lines' },
      ],
    });
  });

  it("gives http.post's z.json() body a JSON editor of its own", () => {
    const form = payloadForm(httpPostPayloadSchema);
    expect(form.kind).toBe('fields');
    const fields = form.kind === 'fields' ? form.fields : [];
    expect(fields.find((f) => f.name === 'body')).toMatchObject({ kind: 'json', required: true });
    expect(fields.find((f) => f.name === 'url')).toMatchObject({ kind: 'string', required: true });
    expect(fields.find((f) => f.name === 'headers')).toMatchObject({ kind: 'json' });
  });

  it('falls back to a JSON editor for transforms and dates', () => {
    const transformed = payloadForm(z.object({ n: z.string().transform((s) => s.length) }));
    expect(transformed).toMatchObject({ kind: 'json' });
    expect(transformed.kind === 'json' && transformed.why).toMatch(/JSON Schema cannot express/);
    expect(payloadForm(z.object({ when: z.date() }))).toMatchObject({ kind: 'json' });
  });

  it('falls back to a JSON editor when the payload is not an object', () => {
    expect(payloadForm(z.array(z.string()))).toEqual({
      kind: 'json',
      why: 'the payload is not an object of named fields',
    });
  });
});
