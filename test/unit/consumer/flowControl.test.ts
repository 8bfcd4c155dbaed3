import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { AdmissionGates } from '../../../functions/core/consumer/admission/AdmissionGates.js';
import {
  DEFERRAL_ATTRIBUTES,
  Deferrer,
} from '../../../functions/core/consumer/admission/Deferrer.js';
import { FlowControl } from '../../../functions/core/consumer/admission/FlowControl.js';
import type { Admission, GateFactory } from '../../../functions/core/consumer/admission/types.js';
import type { RecordOutcome } from '../../../functions/core/consumer/types.js';
import { createRegistry } from '../../../functions/core/registry.js';
import type { TaskRecord } from '../../../functions/core/status.js';
import { defineTask } from '../../../functions/core/task.js';
import { entryLogger, queueMessage, recordingQueue } from '../../helpers/admissionFakes.js';
import { envelope, RecordingMetrics } from '../../helpers/consumerHarness.js';

const NOW = 100_000;
const registry = createRegistry([
  defineTask({ type: 'a', schema: z.object({}), handler: () => null }),
]);
const definition = registry.get('a');

/** Flow control over one gate answering `answer` (or none), counting the gate's questions. */
function flowControl(answer?: Admission) {
  const asked: string[] = [];
  const factories: GateFactory[] = answer
    ? [
        () => ({
          name: 'g',
          admit: async (request) => {
            asked.push(request.taskId);
            return answer;
          },
        }),
      ]
    : [];
  const { queue, sent } = recordingQueue();
  const logger = entryLogger();
  const clock = { now: () => NOW };
  const deferrer = new Deferrer({ queue, clock, logger, metrics: new RecordingMetrics() });
  const control = new FlowControl({
    gates: new AdmissionGates(factories, registry),
    deferrer,
    clock,
    logger,
  });
  return { control, asked, sent, logger };
}

function attempt() {
  const runs: string[] = [];
  const run = async (): Promise<RecordOutcome> => {
    runs.push('run');
    const record = { id: 't', type: 'demo', status: 'SUCCEEDED', attempts: 1 } as TaskRecord;
    return { kind: 'succeeded', ack: true, taskId: 't', attempt: 1, record };
  };
  return { run, runs };
}

/** A copy an earlier hop sent, whose wait ends ten minutes from now. */
const midWait = { [DEFERRAL_ATTRIBUTES.until]: String(NOW + 600_000) };

describe('FlowControl', () => {
  it('runs a type with no gate straight through, whatever wait its message carries', async () => {
    const { control, sent } = flowControl();
    const { run, runs } = attempt();
    const out = await control.around(queueMessage(midWait), envelope('a', {}), definition, run);
    expect(out.kind).toBe('succeeded');
    expect(runs).toEqual(['run']);
    expect(sent).toEqual([]);
  });

  it('runs a FIFO delivery without asking the gates, which cannot delay it', async () => {
    const { control, asked, sent } = flowControl({ kind: 'defer', delayMs: 5_000, reason: 'r' });
    const { run, runs } = attempt();
    const message = queueMessage({}, { fifo: true });
    const out = await control.around(message, envelope('a', {}), definition, run);
    expect(out.kind).toBe('succeeded');
    expect(runs).toEqual(['run']);
    expect(asked).toEqual([]);
    expect(sent).toEqual([]);
  });

  it('hops again through a wait an earlier hop started, without asking the gates', async () => {
    const { control, asked, sent } = flowControl({ kind: 'run' });
    const { run, runs } = attempt();
    const out = await control.around(queueMessage(midWait), envelope('a', {}), definition, run);
    expect(out).toMatchObject({ kind: 'deferred_resent', delayMs: 600_000, reason: 'deferred' });
    expect(asked).toEqual([]);
    expect(runs).toEqual([]);
    expect(sent).toHaveLength(1);
  });

  it('acknowledges a task a gate cancelled, without running or re-sending it', async () => {
    const { control, sent, logger } = flowControl({
      kind: 'cancelled',
      reason: 'debounced',
      detail: { supersededBy: 'later' },
    });
    const { run, runs } = attempt();
    const task = envelope('a', {});
    const out = await control.around(queueMessage(), task, definition, run);
    expect(out).toEqual({ kind: 'cancelled', ack: true, taskId: task.id, reason: 'debounced' });
    expect(runs).toEqual([]);
    expect(sent).toEqual([]);
    expect(logger.entries).toEqual([
      {
        level: 'info',
        message: 'task cancelled by flow control',
        fields: [{ taskId: task.id, type: 'a', reason: 'debounced', supersededBy: 'later' }],
      },
    ]);
  });

  it('keeps the attempt’s outcome and logs a slot it cannot give back', async () => {
    const error = new Error('lease store down');
    const { control, logger } = flowControl({ kind: 'run', release: () => Promise.reject(error) });
    const { run, runs } = attempt();
    const task = envelope('a', {});
    const out = await control.around(queueMessage(), task, definition, run);
    expect(out.kind).toBe('succeeded');
    expect(runs).toEqual(['run']);
    expect(logger.entries).toEqual([
      {
        level: 'warn',
        message: 'flow-control release failed; the slot frees when its lease ends',
        fields: [{ taskId: task.id, error }],
      },
    ]);
  });
});
