import type { ColdStartRow } from './coldStart.js';
import type { ConsumerTimeRow } from './consumerTime.js';
import type { CostRow } from './costModel.js';
import type { RequestsRow } from './requestsPerTask.js';
import { round } from './stats.js';
import type { ThroughputResult } from './throughput.js';

/** One of the goals, with this run's figure. */
export interface Goal {
  goal: string;
  value: number;
  /** The figure must be at most (`<=`) or at least (`>=`) the target. */
  target: { op: '<=' | '>='; value: number };
  met: boolean;
}

function goal(text: string, value: number, op: '<=' | '>=', target: number): Goal {
  const met = op === '<=' ? value <= target : value >= target;
  return { goal: text, value, target: { op, value: target }, met };
}

/** The goals, each from the worst case over the paths it covers. */
export function goalsOf(parts: {
  requests: RequestsRow[];
  consumerTime: ConsumerTimeRow[];
  coldStart: ColdStartRow[];
  throughput: ThroughputResult;
}): Goal[] {
  const ours = parts.requests.filter((r) => r.variant === 'ours');
  const worst = (rows: RequestsRow[], pick: (r: RequestsRow) => number) =>
    Math.max(...rows.map(pick));
  const goals = [
    goal(
      'DynamoDB writes per API-enqueued task',
      worst(
        ours.filter((r) => r.path === 'api'),
        (r) => r.perTask.ddbWrites,
      ),
      '<=',
      3,
    ),
    goal(
      'DynamoDB writes per SQS-direct task',
      worst(
        ours.filter((r) => r.path === 'sqs'),
        (r) => r.perTask.ddbWrites,
      ),
      '<=',
      2,
    ),
    goal(
      'SQS calls by the consumer per task',
      worst(ours, (r) => r.perTask.consumerSqsCalls),
      '<=',
      0,
    ),
    goal(
      'SendMessage calls per batch-enqueued task',
      worst(
        ours.filter((r) => r.mode === 'batch'),
        (r) => r.perTask.sendCalls,
      ),
      '<=',
      0.1,
    ),
  ];
  for (const row of parts.consumerTime) {
    goals.push(
      goal(`consumer time, batch of ${row.batchSize}: ours / floor`, row.oursOverFloor, '<=', 1.15),
    );
  }
  const consumer = parts.coldStart.find((r) => r.name === 'consumer');
  if (consumer?.overBaseline !== undefined) {
    goals.push(
      goal('consumer init / empty handler with its SDK clients', consumer.overBaseline, '<=', 1.2),
    );
  }
  goals.push(goal('local throughput / emulator ceiling', parts.throughput.ofCeiling, '>=', 0.8));
  return goals;
}

export interface TrackingNote {
  implemented: false;
  reason: string;
  /** Per million SQS-direct tasks (single sends): ours, and what no status rows would save. */
  oursPerMillion: number;
  dynamodbPerMillion: number;
  dynamodbShare: number;
}

/**
 * Why there is no tracking-level option, with this run's figures: the most a lower level
 * could save is the DynamoDB part of the bill, and the rows it would drop carry the claim.
 */
export function trackingNote(costs: CostRow[]): TrackingNote {
  const ours = costs.find((c) => c.variant === 'ours' && c.path === 'sqs' && c.mode === 'single');
  const total = ours?.total ?? 0;
  const dynamodb = ours?.dynamodb ?? 0;
  return {
    implemented: false,
    reason:
      'the claim write is the lease and fencing token that turns a redelivery into an ' +
      'acknowledged duplicate instead of a second run; `terminal` or `failures` would drop it ' +
      'on the success path and with it that guarantee, for at most the DynamoDB share below',
    oursPerMillion: total,
    dynamodbPerMillion: dynamodb,
    dynamodbShare: total > 0 ? round(dynamodb / total, 2) : 0,
  };
}
