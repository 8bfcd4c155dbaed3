import * as z from 'zod';
import type { AlarmEvaluator } from '../alarms/AlarmEvaluator.js';
import type { StatePart } from './LocalStateStore.js';

const alarmStates = z.record(
  z.string(),
  z.object({
    state: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']),
    breaches: z.number().int().min(0),
  }),
);

/**
 * Alarm states across a restart: an alarm in ALARM stays there, so it neither fires a
 * second notice for the same breach nor forgets to send OK when it clears.
 */
export function alarmStatePart(evaluator: AlarmEvaluator): StatePart<z.infer<typeof alarmStates>> {
  return {
    name: 'alarms',
    schema: alarmStates,
    snapshot: () => evaluator.snapshot(),
    restore: (saved) => evaluator.restore(saved),
  };
}
