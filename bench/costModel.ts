import { INLINE_PAYLOAD_BYTES } from '../functions/adapters/dynamodb/payloadItem.js';
import type { Variant } from './consumers.js';
import { PRICES } from './prices.js';
import type { Mode, Path } from './producers.js';
import type { RequestsRow } from './requestsPerTask.js';
import { round } from './stats.js';

export interface CostInputs {
  consumerMemoryMb: number;
  apiMemoryMb: number;
  /** Median consumer handler time per batch of ten, ms, per variant (from the timing part). */
  consumerMsPerBatch10: Record<Variant, number>;
}

/** Dollars per million tasks, by what bills them. */
export interface CostRow {
  variant: Variant;
  path: Path;
  mode: Mode;
  payloadBytes: number;
  sqs: number;
  dynamodb: number;
  lambda: number;
  apiGateway: number;
  total: number;
}

const MILLION = 1_000_000;

/** Lambda bills duration per started millisecond, per invocation. */
function lambdaPerInvocation(ms: number, memoryMb: number): number {
  const gbSeconds = (memoryMb / 1024) * (Math.ceil(ms) / 1000);
  return gbSeconds * PRICES.lambdaArmPerGbSecond + PRICES.lambdaPerMillionRequests / MILLION;
}

/**
 * What the opt-in `byType` index (definition `table.typeIndex`) adds per million tasks:
 * every task item is in it, so each status write that applies is written to the index
 * too, one write unit for an item under 1 KB. Refused conditions and payload items
 * write no index.
 */
export function typeIndexCostPerMillion(row: RequestsRow): number {
  // A payload kept in its own item (API, large payload) has no type: it is not indexed.
  const payloadItem = row.path === 'api' && row.payloadBytes > INLINE_PAYLOAD_BYTES ? 1 : 0;
  const indexWrites = row.perTask.ddbWrites - row.perTask.ddbConditionFailed - payloadItem;
  return round(indexWrites * PRICES.dynamodbPerMillionWrites);
}

/**
 * Models the AWS bill for a million no-op tasks from the counted requests, the capacity
 * units DynamoDB reported for them, and the measured handler times. The event source mapping's
 * receives and deletes are billed SQS requests too, so they are in; its idle polling of an
 * empty queue is not (it does not grow with tasks). Consumer invocations are billed at the
 * time of a batch of ten; local emulators answer faster than DynamoDB does, so on AWS the
 * Lambda share grows.
 */
export function costPerMillion(row: RequestsRow, inputs: CostInputs): CostRow {
  const p = row.perTask;
  const sqsRequests = p.sendCalls + p.consumerSqsCalls + p.esmReceives + p.esmDeletes;
  const sqs = sqsRequests * PRICES.sqsPerMillionRequests;
  // Capacity units, not requests: a write is billed per 1 KB of the larger of the item
  // before and after it, a strongly consistent read per 4 KB (refused conditions included).
  const dynamodb =
    p.ddbWriteUnits * PRICES.dynamodbPerMillionWrites +
    p.ddbReadUnits * PRICES.dynamodbPerMillionReads;
  const consumer =
    p.consumerInvocations *
    MILLION *
    lambdaPerInvocation(inputs.consumerMsPerBatch10[row.variant], inputs.consumerMemoryMb);
  const api =
    p.apiInvocations * MILLION * lambdaPerInvocation(row.apiMsMedian ?? 0, inputs.apiMemoryMb);
  const apiGateway = p.apiInvocations * PRICES.httpApiPerMillionRequests;
  const lambda = consumer + api;
  return {
    variant: row.variant,
    path: row.path,
    mode: row.mode,
    payloadBytes: row.payloadBytes,
    sqs: round(sqs),
    dynamodb: round(dynamodb),
    lambda: round(lambda),
    apiGateway: round(apiGateway),
    total: round(sqs + dynamodb + lambda + apiGateway),
  };
}
