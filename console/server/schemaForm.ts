import * as z from 'zod';
import type { FormField, PayloadForm } from '../shared/api.js';

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  description?: string;
  $ref?: string;
};

/**
 * The enqueue form for a payload schema, through zod 4's `z.toJSONSchema`. A schema that
 * JSON Schema cannot express (a transform, a date) is a JSON editor for the whole payload;
 * a field the form cannot show as an input (`z.json()`, a nested object, a union) is a JSON
 * editor for that field alone.
 */
export function payloadForm(schema: z.ZodType): PayloadForm {
  let json: JsonSchema;
  try {
    json = z.toJSONSchema(schema, { unrepresentable: 'throw' }) as JsonSchema;
  } catch (error) {
    return {
      kind: 'json',
      why: `the schema has parts JSON Schema cannot express (${(error as Error).message})`,
    };
  }
  if (json.type !== 'object' || !json.properties) {
    return { kind: 'json', why: 'the payload is not an object of named fields' };
  }
  const required = new Set(json.required ?? []);
  const fields = Object.entries(json.properties).map(([name, p]) =>
    field(name, p, required.has(name)),
  );
  return { kind: 'fields', fields };
}

function field(name: string, p: JsonSchema, required: boolean): FormField {
  const base = {
    name,
    required,
    ...(p.description ? { description: p.description } : {}),
  };
  const bounds = {
    ...(p.minimum !== undefined ? { min: p.minimum } : {}),
    ...(p.maximum !== undefined ? { max: p.maximum } : {}),
  };
  if (p.enum?.every((v) => typeof v === 'string')) {
    return { ...base, kind: 'enum', options: p.enum as string[] };
  }
  if (p.type === 'string') {
    return { ...base, kind: 'string', ...(p.maxLength ? { maxLength: p.maxLength } : {}) };
  }
  if (p.type === 'integer' || p.type === 'number') return { ...base, kind: p.type, ...bounds };
  if (p.type === 'boolean') return { ...base, kind: 'boolean' };
  if (p.type === 'array' && p.items?.type === 'string') return { ...base, kind: 'lines' };
  return { ...base, kind: 'json' };
}
