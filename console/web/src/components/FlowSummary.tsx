import type { FlowView } from '../../../shared/api.js';
import { api } from '../api/client.js';
import { usePoll } from '../hooks/usePoll.js';
import { href } from '../hooks/useRoute.js';

/** One line for the overview: how much is paused and how many breakers are open. */
export function FlowSummary({ every }: { every: number }) {
  const flow = usePoll((s) => api.flow(s), every);
  if (!flow.data) return null;
  const line = summarize(flow.data);
  return (
    <p class={`flow-summary ${line.alert ? 'warn' : 'muted'}`} data-flow-summary>
      Flow control: <a href={href('/flow')}>{line.text}</a>
    </p>
  );
}

function summarize(flow: FlowView): { text: string; alert: boolean } {
  const paused =
    flow.queues.filter((q) => q.pause).length + flow.types.filter((t) => t.pause).length;
  const open = flow.breakers.filter((b) => b.state === 'open').length;
  const probing = flow.breakers.filter((b) => b.state === 'half_open').length;
  const parts = [
    paused ? `${paused} paused` : 'nothing paused',
    open ? `${open} breaker${open === 1 ? '' : 's'} open` : 'no breaker open',
    ...(probing ? [`${probing} half-open`] : []),
  ];
  return { text: parts.join(', '), alert: paused + open + probing > 0 };
}
