import type { FormField } from '../../../shared/api.js';

/** The form's values, as typed: text per field, `true`/`false` for a checkbox. */
export type Values = Record<string, string>;

/** The payload from the form's values; a field that is not valid JSON throws with its name. */
export function payloadOf(fields: FormField[], values: Values): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const raw = values[f.name] ?? '';
    if (f.kind === 'boolean') {
      if (raw !== '' || f.required) out[f.name] = raw === 'true';
      continue;
    }
    if (raw === '' && !f.required) continue;
    if (f.kind === 'integer' || f.kind === 'number') {
      // Not a number: sent as typed, so the server's schema says what is wrong.
      out[f.name] = raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    } else if (f.kind === 'lines') {
      out[f.name] = raw.split('\n').filter((l) => l !== '');
    } else if (f.kind === 'json') {
      try {
        out[f.name] = JSON.parse(raw) as unknown;
      } catch {
        throw new FieldError(f.name, 'is not valid JSON');
      }
    } else {
      out[f.name] = raw;
    }
  }
  return out;
}

export class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

interface Props {
  fields: FormField[];
  values: Values;
  errors: Record<string, string>;
  onChange: (name: string, value: string) => void;
}

/** One labelled input per field, each with its error beside it. */
export function PayloadFields({ fields, values, errors, onChange }: Props) {
  return (
    <>
      {fields.map((f) => {
        const id = `field-${f.name}`;
        const error = errors[f.name];
        const common = {
          id,
          name: f.name,
          'aria-invalid': error ? ('true' as const) : undefined,
          'aria-describedby': error ? `${id}-error` : undefined,
        };
        const set = (e: Event) => onChange(f.name, (e.target as HTMLInputElement).value);
        const value = values[f.name] ?? '';
        return (
          <div class="form-field" key={f.name}>
            <label for={id}>
              {f.name}
              {f.required ? ' (required)' : ''}
              {hint(f)}
            </label>
            {f.kind === 'boolean' ? (
              <input
                {...common}
                type="checkbox"
                checked={value === 'true'}
                onChange={(e) => onChange(f.name, String((e.target as HTMLInputElement).checked))}
              />
            ) : f.kind === 'enum' ? (
              <select {...common} value={value} onChange={set}>
                <option value="">—</option>
                {f.options?.map((o) => (
                  <option key={o}>{o}</option>
                ))}
              </select>
            ) : f.kind === 'lines' || f.kind === 'json' ? (
              <textarea {...common} rows={4} value={value} onInput={set} spellcheck={false} />
            ) : (
              <input
                {...common}
                type={f.kind === 'string' ? 'text' : 'number'}
                value={value}
                onInput={set}
                {...(f.min !== undefined ? { min: f.min } : {})}
                {...(f.max !== undefined ? { max: f.max } : {})}
              />
            )}
            {error && (
              <p class="field-error" id={`${id}-error`} data-field-error={f.name}>
                {error}
              </p>
            )}
          </div>
        );
      })}
    </>
  );
}

function hint(f: FormField): string {
  if (f.kind === 'json') return ' — JSON';
  if (f.kind === 'lines') return ' — one per line';
  if ((f.kind === 'integer' || f.kind === 'number') && f.min !== undefined && f.max !== undefined)
    return ` — ${f.min} to ${f.max}`;
  return '';
}
