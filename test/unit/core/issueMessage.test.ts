import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { toValidationIssues } from '../../../functions/core/envelope.js';

const messages = (schema: z.ZodType, value: unknown) => {
  const parsed = schema.safeParse(value);
  if (parsed.success) throw new Error('expected a failure');
  return toValidationIssues(parsed.error).map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('validation messages', () => {
  it('say what a union allows instead of only "Invalid input"', () => {
    const schema = z.object({ body: z.json(), id: z.union([z.string(), z.number()]) });
    expect(messages(schema, { id: true })).toEqual([
      'body: expected string, number, boolean, null, array or object, received undefined',
      'id: expected string or number, received boolean',
    ]);
  });

  it('name each branch of a union that fails further in', () => {
    const schema = z.object({
      to: z.union([z.object({ email: z.string() }), z.object({ phone: z.string() })]),
    });
    expect(messages(schema, { to: 5 })).toEqual(['to: expected object, received number']);
    expect(messages(schema, { to: {} })).toEqual([
      'to: matches none of the allowed forms: email: expected string, received undefined | phone: expected string, received undefined',
    ]);
  });

  it('keep what is allowed for plain types and drop the bare prefix', () => {
    expect(messages(z.object({ n: z.number() }), { n: 'a' })).toEqual([
      'n: expected number, received string',
    ]);
  });
});
