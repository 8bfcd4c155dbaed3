import { readFile } from 'node:fs/promises';
import { consumerConcurrencyLimit } from '../../definition/concurrency.js';
import { parsePipelineDefinition } from '../../definition/parsePipelineDefinition.js';
import { pipelineDefinition } from '../../definition/pipeline.js';
import { ConfigError } from '../../functions/core/errors.js';
import { registry } from '../../functions/tasks/index.js';
import type { CostRow } from '../costModel.js';
import { PRICES, PRICES_NOTE } from '../prices.js';
import { table } from '../report.js';
import { round } from '../stats.js';
import { type Drain, drainTime, ESM_RULES, type ScalingMode } from './drainModel.js';

export interface ModelOptions {
  tasks: number;
  /** bench/results.json of a full run: the measured consumer time and cost per task. */
  resultsFile: string;
  /** DynamoDB latency per request on AWS, ms; the emulators answer on loopback. */
  ddbLatencyMs: number;
  /** Requests a record makes one after another at `full` (a claim, then a finish). */
  sequentialRequests: number;
  /** Price of one event poller hour, if known; otherwise only the hours are printed. */
  pollerHourPrice?: number;
}

interface Measured {
  startedAt: string;
  consumerTime: { batchSize: number; medianMs: { ours: number } }[];
  costs: CostRow[];
}

/** A scaling setting for the default queue, checked by synth's own rules before it is modelled. */
interface Candidate {
  label: string;
  queue: { maxConcurrency: number } | { provisionedPollers: { min: number; max: number } };
}

/** DynamoDB's default per-table quota for an on-demand table, write units per second. */
const TABLE_WRITE_QUOTA = 40_000;
/** An SQS-direct no-op task at `full` tracking: a claim and a finish, each under 1 KB. */
const WRITES_PER_TASK = 2;

const CANDIDATES: Candidate[] = [
  { label: 'standard, maxConcurrency 10 (as defined)', queue: { maxConcurrency: 10 } },
  { label: 'standard, maxConcurrency 500', queue: { maxConcurrency: 500 } },
  { label: 'standard, maxConcurrency 1000 (the most AWS allows)', queue: { maxConcurrency: 1000 } },
  { label: 'provisioned, pollers 2–50', queue: { provisionedPollers: { min: 2, max: 50 } } },
  { label: 'provisioned, pollers 20–90', queue: { provisionedPollers: { min: 20, max: 90 } } },
];

/**
 * `npm run bench -- --model N`: drain time and cost of N no-op tasks sent straight to the
 * default queue, per scaling setting, from a full run's measured consumer time and cost.
 * Every setting is first put through the definition's checks, so a row that synth would
 * refuse (DESIGN §5: throttling must not eat receive counts) says so instead of a figure.
 */
export async function runModel(options: ModelOptions): Promise<string> {
  const measured = JSON.parse(await readFile(options.resultsFile, 'utf8')) as Measured;
  const batch10 = measured.consumerTime.find((r) => r.batchSize === 10);
  const cost = measured.costs.find(
    (c) => c.variant === 'ours' && c.path === 'sqs' && c.mode === 'batch' && !c.payloadBytes,
  );
  if (!batch10 || !cost) throw new Error(`${options.resultsFile} has no batch-of-10 consumer row`);
  const invocationSeconds =
    (batch10.medianMs.ours + options.sequentialRequests * options.ddbLatencyMs) / 1000;
  const rows = CANDIDATES.map((c) => modelRow(c, options, invocationSeconds, cost));
  const assumptions = [
    `${options.tasks.toLocaleString('en-US')} no-op tasks already on the default queue (SQS-direct, batches of 10, tracking full), and the definition with that queue alone`,
    `one invocation on a batch of 10: ${batch10.medianMs.ours} ms measured against the local emulators (bench run ${measured.startedAt}) + ${options.sequentialRequests} sequential DynamoDB requests × ${options.ddbLatencyMs} ms on AWS = ${round(invocationSeconds * 1000, 1)} ms`,
    `standard mode: ${ESM_RULES.standard.startConcurrency} concurrent invokes at first, up to ${ESM_RULES.standard.addPerMinute} more a minute, at most ${ESM_RULES.standard.mappingMax} per mapping; provisioned: min pollers × ${ESM_RULES.provisioned.perPoller} warm, up to ${ESM_RULES.provisioned.addPerMinute} more a minute, at most ${ESM_RULES.provisioned.mappingMax.toLocaleString('en-US')} (docs/scale.md cites each)`,
    `DynamoDB's default table quota, ${TABLE_WRITE_QUOTA.toLocaleString('en-US')} write units a second, over ${WRITES_PER_TASK} writes per task: at most ${(TABLE_WRITE_QUOTA / WRITES_PER_TASK).toLocaleString('en-US')} tasks a second, however many invocations run`,
    'the account quota is the definition’s accountConcurrency; the API and the notifier keep their share; every row passes synth’s concurrency checks or says why not',
    `SQS and DynamoDB per task as counted by the bench ($${cost.sqs} + $${cost.dynamodb} per million); Lambda priced from the modelled duration; ${PRICES_NOTE}`,
    options.pollerHourPrice === undefined
      ? 'provisioned mode also bills event poller hours: the hours are printed; pass --poller-hour-price to price them (AWS Lambda pricing page)'
      : `event poller hours at $${options.pollerHourPrice} each`,
    'not modelled: SQS receive latency, throttling by downstream services, DynamoDB partition warm-up (a new on-demand table may need pre-warming for a sudden burst), cold starts',
  ];
  return [
    `**Scale, modelled**: ${options.tasks.toLocaleString('en-US')} tasks on AWS.`,
    '',
    table(
      [
        'default queue',
        'start → cap',
        'cap set by',
        'ramp s',
        'drain',
        'peak tasks/s',
        'poller h',
        'cost',
      ],
      rows,
    ),
    '',
    'Assumptions:',
    ...assumptions.map((a) => `- ${a}`),
    '',
  ].join('\n');
}

function modelRow(
  candidate: Candidate,
  options: ModelOptions,
  invocationSeconds: number,
  cost: CostRow,
): (string | number)[] {
  const definition = {
    ...pipelineDefinition,
    // One queue, so its setting alone meets the account's quota and the priority order.
    queues: pipelineDefinition.queues
      .filter((q) => q.priority === 'default')
      .map((q) => ({ ...q, maxConcurrency: undefined, ...candidate.queue })),
  };
  let config: ReturnType<typeof parsePipelineDefinition>;
  try {
    config = parsePipelineDefinition(definition, registry);
  } catch (error) {
    const why = error instanceof ConfigError ? error.problems.join('; ') : String(error);
    return [candidate.label, `refused at synth: ${why}`, '', '', '', '', '', ''];
  }
  const queue = config.queues.find((q) => q.priority === 'default')!;
  const mode: ScalingMode = queue.provisionedPollers
    ? {
        kind: 'provisioned',
        minPollers: queue.provisionedPollers.min,
        maxPollers: queue.provisionedPollers.max,
      }
    : { kind: 'standard', maxConcurrency: queue.maxConcurrency };
  const drain = drainTime({
    tasks: options.tasks,
    batchSize: queue.batchSize,
    invocationSeconds,
    availableConcurrency: consumerConcurrencyLimit(config),
    mode,
    maxTasksPerSecond: TABLE_WRITE_QUOTA / WRITES_PER_TASK,
  });
  return [
    candidate.label,
    `${Math.round(drain.startConcurrency)} → ${Math.round(drain.capConcurrency)}`,
    drain.limitedBy,
    round(drain.rampSeconds, 1),
    duration(drain.seconds),
    Math.round(drain.peakTasksPerSecond),
    drain.pollerHours === undefined ? '' : round(drain.pollerHours, 2),
    `$${dollars(drain, options, config.consumer.memoryMb, cost, queue.batchSize).toFixed(2)}`,
  ];
}

/** SQS and DynamoDB as counted per task; Lambda from the modelled time; pollers if priced. */
export function dollars(
  drain: Drain,
  options: Pick<ModelOptions, 'tasks' | 'pollerHourPrice'>,
  memoryMb: number,
  cost: Pick<CostRow, 'sqs' | 'dynamodb'>,
  batchSize: number,
): number {
  const millions = options.tasks / 1_000_000;
  const invocations = options.tasks / batchSize;
  const lambda =
    drain.busySeconds * (memoryMb / 1024) * PRICES.lambdaArmPerGbSecond +
    (invocations / 1_000_000) * PRICES.lambdaPerMillionRequests;
  const pollers = (drain.pollerHours ?? 0) * (options.pollerHourPrice ?? 0);
  return (cost.sqs + cost.dynamodb) * millions + lambda + pollers;
}

/** 1 h 02 min, 3 min 05 s, 42 s. */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}
