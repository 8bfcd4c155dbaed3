import type { PauseView } from '../../../shared/api.js';
import { api, type PauseTarget } from '../api/client.js';
import { Confirm } from './Confirm.js';
import { formatTime } from './format.js';

/** One queue or task type, with its pause if one is in force. */
interface PauseRow {
  /** The priority or the type, as the server takes it. */
  name: string;
  /** Shown under the name: the queue's own name. */
  detail?: string;
  pause?: PauseView;
}

interface PauseTableProps {
  scope: 'queue' | 'type';
  rows: PauseRow[];
  /** Pause and Resume are shown (the console takes actions). */
  actions: boolean;
  /** A deployed stack: a queue pauses by its event source mapping. */
  stack: boolean;
  /** Who the pause is recorded as. */
  who: string;
  /** Called after an action, to read the state again. */
  changed: () => void;
}

/** Queues or task types: paused or running, since when and by whom, and Pause or Resume. */
export function PauseTable({ scope, rows, actions, stack, who, changed }: PauseTableProps) {
  const heading = scope === 'queue' ? 'Queue' : 'Task type';
  return (
    <div class="scroll">
      <table class="stack flow" data-pauses={scope}>
        <thead>
          <tr>
            <th scope="col">{heading}</th>
            <th scope="col">State</th>
            <th scope="col">Since</th>
            <th scope="col">By</th>
            {actions && (
              <th scope="col" class="flow-action">
                Action
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.name} data-pause-row={row.name} data-paused={row.pause ? 'yes' : 'no'}>
              <th scope="row" title={row.detail}>
                {row.name}
              </th>
              <td data-label="State" class={row.pause ? 'warn' : ''}>
                {row.pause ? 'paused' : 'running'}
              </td>
              <td data-label="Since" class="flow-since">
                {row.pause ? formatTime(row.pause.since) : '—'}
              </td>
              <td data-label="By" class="who">
                {row.pause?.by ?? '—'}
              </td>
              {actions && (
                <td data-label="Action" class="flow-action">
                  <PauseAction scope={scope} row={row} stack={stack} who={who} changed={changed} />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PauseAction({
  scope,
  row,
  stack,
  who,
  changed,
}: Omit<PauseTableProps, 'rows' | 'actions'> & { row: PauseRow }) {
  const target: PauseTarget = scope === 'queue' ? { queue: row.name } : { type: row.name };
  const what = scope === 'queue' ? `the ${row.name} queue` : row.name;
  const paused = row.pause !== undefined;
  // One Confirm whichever the state, so its outcome stays shown after the row changes.
  return (
    <Confirm
      label={`${paused ? 'Resume' : 'Pause'} ${scope === 'queue' ? `queue ${row.name}` : row.name}…`}
      effect={paused ? resumeEffect(scope, what, row.pause) : pauseEffect(scope, what, stack, who)}
      onConfirm={async () => {
        const text = paused ? await resume(target, what) : await pause(target, what);
        changed();
        return text;
      }}
    />
  );
}

function pauseEffect(scope: 'queue' | 'type', what: string, stack: boolean, who: string): string {
  const recorded = `It is recorded as paused by ${who}.`;
  if (scope === 'type') {
    return `Pause ${what}: its tasks wait without running, spending no attempt, and look again every minute; other types keep running. Consumers see the pause within 5 s. ${recorded}`;
  }
  const how = stack
    ? "its event source mapping is disabled with this console's credentials"
    : 'the local runtime stops its poller within a second';
  return `Pause ${what}: ${how}; its messages wait on the queue, keeping their receive counts, until it is resumed. ${recorded}`;
}

function resumeEffect(scope: 'queue' | 'type', what: string, pause: PauseView | undefined) {
  const since = pause ? ` (paused since ${formatTime(pause.since)} by ${pause.by})` : '';
  return scope === 'queue'
    ? `Resume ${what}${since}: its messages are received again.`
    : `Resume ${what}${since}: its waiting tasks run when they next look, within a minute.`;
}

async function pause(target: PauseTarget, what: string): Promise<string> {
  const out = await api.pause(target);
  return out.created
    ? `Paused ${what}.`
    : `${what} was already paused, since ${formatTime(out.pause.since)} by ${out.pause.by}.`;
}

async function resume(target: PauseTarget, what: string): Promise<string> {
  const out = await api.resume(target);
  return out.resumed ? `Resumed ${what}.` : `${what} was not paused.`;
}
