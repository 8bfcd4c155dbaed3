import { deferringSettings, type FlowSettings } from '../functions/core/flow/flowSettings.js';
import type { PipelineConfig } from './checks.js';

/**
 * Flow control defers a task by re-sending it with a delay (DESIGN §11), which a FIFO
 * queue cannot take. Any type may be sent to any queue, so a pipeline with a FIFO queue
 * cannot have a type that rate-limits, holds key concurrency or debounces.
 */
export function flowControlProblems(
  config: PipelineConfig,
  definitions: readonly (FlowSettings & { type: string })[],
): string[] {
  const fifo = config.queues.filter((q) => q.fifo).map((q) => `"${q.priority}"`);
  if (fifo.length === 0) return [];
  return definitions.flatMap((d) => {
    const settings = deferringSettings(d);
    if (settings.length === 0) return [];
    return [
      `task type "${d.type}" has ${settings.join(', ')}, but queue ${fifo.join(', ')} is FIFO: a FIFO queue takes no per-message delay, so flow control cannot defer its tasks; remove the setting or make the queue standard`,
    ];
  });
}
