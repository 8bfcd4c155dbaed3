import { POLLER_CONCURRENCY } from '../../definition/concurrency.js';

/**
 * How an SQS event source mapping scales, as documented (sources in docs/scale.md):
 * - standard: 5 concurrent invokes when messages appear, then up to 300 more per minute,
 *   at most 1,250 per mapping, and no more than the queue's maxConcurrency;
 * - provisioned: the minimum pollers are warm, each runs up to 10 invokes, and the mapping
 *   adds up to 1,000 concurrent invokes per minute up to the maximum pollers.
 */
export const ESM_RULES = {
  standard: { startConcurrency: 5, addPerMinute: 300, mappingMax: 1_250 },
  provisioned: { addPerMinute: 1_000, mappingMax: 20_000, perPoller: POLLER_CONCURRENCY },
} as const;

export type ScalingMode =
  | { kind: 'standard'; maxConcurrency: number }
  | { kind: 'provisioned'; minPollers: number; maxPollers: number };

export interface DrainInputs {
  tasks: number;
  batchSize: number;
  /** Time of one invocation on a full batch, seconds (measured handler time plus overhead). */
  invocationSeconds: number;
  /** Executions the consumer may use: its reservation, or the quota beside the API's. */
  availableConcurrency: number;
  mode: ScalingMode;
  /** Tasks per second the table allows: its write quota over the writes per task. */
  maxTasksPerSecond?: number;
}

export interface Drain {
  /** Concurrent invocations when the queue fills, and the most the mode reaches. */
  startConcurrency: number;
  capConcurrency: number;
  /** What limits the cap: the queue's setting, the mapping's maximum or the account. */
  limitedBy: 'queue setting' | 'mapping maximum' | 'account concurrency' | 'table write quota';
  /** Seconds until the cap is reached (0 if it starts there). */
  rampSeconds: number;
  seconds: number;
  /** Tasks per second at the cap. */
  peakTasksPerSecond: number;
  /** Invocation-seconds of the whole drain (what Lambda bills, before memory). */
  busySeconds: number;
  /** Provisioned mode: event poller hours, at least the minimum for the whole drain. */
  pollerHours?: number;
}

/** The cap of concurrent batches and what sets it. */
function capOf(inputs: DrainInputs): Pick<Drain, 'capConcurrency' | 'limitedBy'> {
  const { mode } = inputs;
  const [setting, mappingMax] =
    mode.kind === 'standard'
      ? [mode.maxConcurrency, ESM_RULES.standard.mappingMax]
      : [mode.maxPollers * ESM_RULES.provisioned.perPoller, ESM_RULES.provisioned.mappingMax];
  // Concurrency beyond what the table can write for is throttled by DynamoDB, not used.
  const byTable =
    inputs.maxTasksPerSecond === undefined
      ? Number.POSITIVE_INFINITY
      : (inputs.maxTasksPerSecond * inputs.invocationSeconds) / inputs.batchSize;
  const cap = Math.min(setting, mappingMax, inputs.availableConcurrency, byTable);
  const limitedBy =
    cap === byTable && cap < Math.min(setting, mappingMax, inputs.availableConcurrency)
      ? 'table write quota'
      : cap === inputs.availableConcurrency && cap < setting
        ? 'account concurrency'
        : cap === setting
          ? 'queue setting'
          : 'mapping maximum';
  return { capConcurrency: cap, limitedBy };
}

/**
 * Drain time of a full queue: concurrency grows linearly from its start to its cap (the
 * documented rate), and each concurrent invocation takes `batchSize` tasks per
 * `invocationSeconds`. Tasks done by time t during the ramp: k·(c0·t + a·t²/2), with
 * k = batch / invocation time and a the growth per second; then k·cap per second.
 */
export function drainTime(inputs: DrainInputs): Drain {
  if (inputs.tasks < 0 || inputs.batchSize < 1 || !(inputs.invocationSeconds > 0)) {
    throw new Error(
      `drain model: tasks must be ≥ 0, batchSize ≥ 1 and invocationSeconds > 0 (got ${inputs.tasks}, ${inputs.batchSize}, ${inputs.invocationSeconds})`,
    );
  }
  const { mode } = inputs;
  const { capConcurrency: cap, limitedBy } = capOf(inputs);
  const start =
    mode.kind === 'standard'
      ? Math.min(ESM_RULES.standard.startConcurrency, cap)
      : Math.min(mode.minPollers * ESM_RULES.provisioned.perPoller, cap);
  const perSecond =
    (mode.kind === 'standard'
      ? ESM_RULES.standard.addPerMinute
      : ESM_RULES.provisioned.addPerMinute) / 60;
  const k = inputs.batchSize / inputs.invocationSeconds;
  const rampSeconds = (cap - start) / perSecond;
  const doneInRamp = k * (start * rampSeconds + (perSecond * rampSeconds ** 2) / 2);
  const seconds =
    inputs.tasks <= doneInRamp
      ? solveRamp(inputs.tasks / k, start, perSecond)
      : rampSeconds + (inputs.tasks - doneInRamp) / (k * cap);
  const busySeconds = (inputs.tasks / inputs.batchSize) * inputs.invocationSeconds;
  return {
    startConcurrency: start,
    capConcurrency: cap,
    limitedBy,
    rampSeconds,
    seconds,
    peakTasksPerSecond: k * cap,
    busySeconds,
    ...(mode.kind === 'provisioned'
      ? {
          // Busy pollers carry the invocations; the minimum stays up however idle.
          pollerHours:
            Math.max(mode.minPollers * seconds, busySeconds / ESM_RULES.provisioned.perPoller) /
            3600,
        }
      : {}),
  };
}

/** t ≥ 0 with c0·t + a·t²/2 = work (work in concurrency-seconds). */
function solveRamp(work: number, c0: number, a: number): number {
  if (a === 0) return work / c0;
  return (-c0 + Math.sqrt(c0 * c0 + 2 * a * work)) / a;
}
