import { useState } from 'preact/hooks';

/** Strings longer than this are cut until the reader asks for all of it. */
const SHORT_STRING = 2_000;
/** Levels open when the view first shows. */
const OPEN_LEVELS = 2;
/** Deeper levels are not indented further, so deep nesting stays readable in a narrow window. */
const INDENT_LEVELS = 8;

/**
 * A JSON document as a collapsible tree, every key and value rendered as text. Text that
 * is not JSON is shown as it is.
 */
export function JsonView({ json }: { json: string }) {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return <LongText text={json} />;
  }
  return (
    <div class="json">
      <Node value={value} depth={0} />
    </div>
  );
}

function Node({ value, depth, name }: { value: unknown; depth: number; name?: string }) {
  const label = name === undefined ? null : <span class="json-key">{JSON.stringify(name)}: </span>;
  if (value === null || typeof value !== 'object') {
    return (
      <div class="json-leaf">
        {label}
        {typeof value === 'string' ? (
          <LongText text={JSON.stringify(value)} />
        ) : (
          <span class="json-scalar">{String(value)}</span>
        )}
      </div>
    );
  }
  const entries = Array.isArray(value)
    ? value.map((v, i) => [String(i), v] as const)
    : Object.entries(value as Record<string, unknown>);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) {
    return (
      <div class="json-leaf">
        {label}
        {open}
        {close}
      </div>
    );
  }
  return (
    <details class="json-node" open={depth < OPEN_LEVELS}>
      <summary>
        {label}
        {open}
        <span class="json-count">
          {entries.length} {Array.isArray(value) ? 'item' : 'key'}
          {entries.length === 1 ? '' : 's'}
          {depth >= INDENT_LEVELS ? `, level ${depth + 1}` : ''}
        </span>
        {close}
      </summary>
      <div class={depth < INDENT_LEVELS ? 'json-children' : 'json-children json-flat'}>
        {entries.map(([k, v]) => (
          <Node
            key={k}
            value={v}
            depth={depth + 1}
            {...(Array.isArray(value) ? {} : { name: k })}
          />
        ))}
      </div>
    </details>
  );
}

/** Text cut to {@link SHORT_STRING} characters, with a button for the rest. */
export function LongText({ text }: { text: string }) {
  const [all, setAll] = useState(false);
  if (text.length <= SHORT_STRING || all) return <span class="json-string">{text}</span>;
  return (
    <span class="json-string">
      {text.slice(0, SHORT_STRING)}…{' '}
      <button type="button" class="link" onClick={() => setAll(true)}>
        show all {text.length.toLocaleString()} characters
      </button>
    </span>
  );
}
