import { useState } from 'preact/hooks';
import type { MetaView } from '../../../shared/api.js';

/** The tasks page's filters, in the order the form shows them. */
export const FIELDS = ['status', 'type', 'priority', 'from', 'to', 'id', 'key'] as const;
type Field = (typeof FIELDS)[number];

export type Values = Partial<Record<Field, string | undefined>>;

/** The filters, edited here and applied to the address on submit. */
export function FilterForm(props: {
  meta?: MetaView;
  initial: Values;
  onApply: (v: Values) => void;
}) {
  const [values, setValues] = useState<Values>(props.initial);
  const bind = (name: Field) => ({
    name,
    value: values[name] ?? '',
    onInput: (e: Event) =>
      setValues({ ...values, [name]: (e.currentTarget as HTMLInputElement).value }),
  });
  const submit = (event: Event) => {
    event.preventDefault();
    props.onApply(
      Object.fromEntries(FIELDS.map((f) => [f, values[f]?.trim() || undefined])) as Values,
    );
  };
  const choices = (name: Field, label: string, options: readonly string[] = []) => (
    <label>
      {label}
      <select {...bind(name)}>
        <option value="">any</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <form class="filters" onSubmit={submit} aria-label="Filter tasks">
      {choices('status', 'Status', props.meta?.statuses)}
      {choices('type', 'Type', props.meta?.types)}
      {choices('priority', 'Priority', props.meta?.priorities)}
      <label>
        Created from
        <input type="datetime-local" {...bind('from')} />
      </label>
      <label>
        Created before
        <input type="datetime-local" {...bind('to')} />
      </label>
      <label>
        Task id
        <input {...bind('id')} autoComplete="off" spellcheck={false} />
      </label>
      <label>
        Idempotency key <span class="muted">(with a type)</span>
        <input {...bind('key')} autoComplete="off" spellcheck={false} />
      </label>
      <div class="filter-buttons">
        <button type="submit">Apply</button>
        <button type="button" class="secondary" onClick={() => props.onApply({})}>
          Clear
        </button>
      </div>
    </form>
  );
}
