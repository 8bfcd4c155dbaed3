import { useState } from 'preact/hooks';

interface ConfirmProps {
  /** The button that asks, e.g. "Retry…". */
  label: string;
  /** What confirming does, said before it is done. */
  effect: string;
  /** Runs the action; its answer is shown as the outcome. */
  onConfirm: () => Promise<string>;
  class?: string;
}

/** A button whose action runs only after a confirmation that states its effect. */
export function Confirm({ label, effect, onConfirm, class: className }: ConfirmProps) {
  const [state, setState] = useState<'idle' | 'asking' | 'running'>('idle');
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string }>();
  const confirm = async () => {
    setState('running');
    try {
      setOutcome({ ok: true, text: await onConfirm() });
    } catch (error) {
      setOutcome({ ok: false, text: (error as Error).message });
    }
    setState('idle');
  };
  return (
    <div class={`action ${className ?? ''}`}>
      {state === 'idle' ? (
        <button type="button" onClick={() => setState('asking')}>
          {label}
        </button>
      ) : (
        <fieldset class="confirm" aria-label={`Confirm: ${label}`}>
          <p>{effect}</p>
          <button type="button" disabled={state === 'running'} onClick={confirm}>
            Confirm
          </button>{' '}
          <button
            type="button"
            class="secondary"
            disabled={state === 'running'}
            onClick={() => setState('idle')}
          >
            Cancel
          </button>
        </fieldset>
      )}
      {outcome && (
        <p role="status" class={outcome.ok ? 'outcome ok' : 'outcome bad'}>
          {outcome.text}
        </p>
      )}
    </div>
  );
}
