import { useState } from 'preact/hooks';
import { ApiError, api } from '../api/client.js';
import { FieldError, PayloadFields, payloadOf, type Values } from '../components/PayloadFields.js';
import { usePoll } from '../hooks/usePoll.js';
import { href } from '../hooks/useRoute.js';
import { useActions } from '../hooks/useSession.js';

/** The JSON editor's errors are shown under this name. */
const WHOLE = '(payload)';

/**
 * Enqueue a task from a form built from its type's schema (a JSON editor where the schema
 * has parts a form cannot express); the server's validation errors appear by their fields.
 */
export function EnqueuePage() {
  const types = usePoll((s) => api.taskTypes(s), 0);
  const meta = usePoll((s) => api.meta(s), 0);
  const actions = useActions();
  const [type, setType] = useState('');
  const [values, setValues] = useState<Values>({});
  const [json, setJson] = useState('{}');
  const [priority, setPriority] = useState('');
  const [key, setKey] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string; id?: string }>();
  const chosen = types.data?.find((t) => t.type === type) ?? types.data?.[0];
  const form = chosen?.form;

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!chosen || !form) return;
    setErrors({});
    setOutcome(undefined);
    try {
      const payload = form.kind === 'fields' ? payloadOf(form.fields, values) : parseJson(json);
      const out = await api.enqueue({
        type: chosen.type,
        payload,
        ...(priority ? { priority } : {}),
        ...(key ? { idempotencyKey: key } : {}),
      });
      setOutcome({
        ok: true,
        text: out.deduplicated ? 'Already enqueued with this key:' : 'Enqueued:',
        id: out.taskId,
      });
    } catch (error) {
      if (error instanceof FieldError) return setErrors({ [error.field]: error.message });
      const byField = error instanceof ApiError ? errorsByField(error, form.kind === 'fields') : {};
      setErrors(byField);
      // Issues shown by their inputs are not repeated: the line says where to look.
      const count = Object.keys(byField).length;
      const text = count
        ? `Not enqueued: ${count === 1 ? 'one field needs' : `${count} fields need`} a change, marked above.`
        : (error as Error).message;
      setOutcome({ ok: false, text });
    }
  };

  if (!actions) {
    return (
      <section>
        <h1>Enqueue</h1>
        <p class="muted">This console is read-only: it enqueues nothing.</p>
      </section>
    );
  }
  return (
    <section aria-labelledby="enqueue-title">
      <h1 id="enqueue-title">Enqueue a task</h1>
      <form class="enqueue" onSubmit={submit} noValidate>
        <div class="form-field">
          <label for="enqueue-type">Task type</label>
          <select
            id="enqueue-type"
            value={chosen?.type ?? ''}
            onChange={(e) => {
              setType((e.target as HTMLSelectElement).value);
              setValues({});
              setErrors({});
            }}
          >
            {types.data?.map((t) => (
              <option key={t.type}>{t.type}</option>
            ))}
          </select>
        </div>
        {form?.kind === 'fields' && (
          <PayloadFields
            fields={form.fields}
            values={values}
            errors={errors}
            onChange={(name, value) => setValues({ ...values, [name]: value })}
          />
        )}
        {form?.kind === 'json' && (
          <div class="form-field">
            <label for="enqueue-json">Payload (JSON)</label>
            <p class="muted">A form cannot show this type's payload: {form.why}.</p>
            <textarea
              id="enqueue-json"
              rows={8}
              spellcheck={false}
              value={json}
              onInput={(e) => setJson((e.target as HTMLTextAreaElement).value)}
            />
          </div>
        )}
        <ErrorText errors={errors} name={WHOLE} />
        <div class="form-field">
          <label for="enqueue-priority">Priority</label>
          <select
            id="enqueue-priority"
            value={priority}
            onChange={(e) => setPriority((e.target as HTMLSelectElement).value)}
          >
            <option value="">the type's default</option>
            {meta.data?.priorities.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
          <ErrorText errors={errors} name="priority" />
        </div>
        <div class="form-field">
          <label for="enqueue-key">Idempotency key (optional)</label>
          <input
            id="enqueue-key"
            value={key}
            onInput={(e) => setKey((e.target as HTMLInputElement).value)}
          />
          <ErrorText errors={errors} name="idempotencyKey" />
        </div>
        <button type="submit">Enqueue</button>
      </form>
      {outcome && (
        <p role="status" class={outcome.ok ? 'outcome ok' : 'outcome bad'}>
          {outcome.text}{' '}
          {outcome.id && (
            <a href={href(`/tasks/${encodeURIComponent(outcome.id)}`)}>{outcome.id}</a>
          )}
        </p>
      )}
    </section>
  );
}

/**
 * The server's issues by the form's field names: a payload issue (`invalid_payload`, its
 * path inside the payload) goes to its field, or to the JSON editor; a request issue
 * (`payload`, `priority`, `idempotencyKey`) to its own input.
 */
function errorsByField(error: ApiError, fields: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = error.code === 'invalid_payload' ? ['payload', ...issue.path] : issue.path;
    const [head, field] = path;
    const name = head !== 'payload' ? (head ?? WHOLE) : fields && field ? field : WHOLE;
    out[name] = out[name] ? `${out[name]}; ${issue.message}` : issue.message;
  }
  return out;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new FieldError(WHOLE, 'is not valid JSON');
  }
}

function ErrorText({ errors, name }: { errors: Record<string, string>; name: string }) {
  return errors[name] ? (
    <p class="field-error" data-field-error={name}>
      {errors[name]}
    </p>
  ) : null;
}
