import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDeferralLog } from '../adapters/dynamodb/DynamoDeferralLog.js';
import { DynamoRateLimitStore } from '../adapters/dynamodb/DynamoRateLimitStore.js';
import { DynamoSlotStore } from '../adapters/dynamodb/DynamoSlotStore.js';
import type { DeferralLog, GateFactory } from '../core/consumer/admission/types.js';
import { concurrencyGates } from '../core/flow/ConcurrencyGate.js';
import { rateLimitGates } from '../core/flow/RateLimitGate.js';
import type { Clock } from '../core/ports.js';

/** What flow control's adapters are built on: the task table holds their shared state. */
export interface FlowControlOptions {
  client: DynamoDBClient;
  tableName: string;
  retentionDays?: number;
  clock: Clock;
}

/**
 * The consumer's flow-control gates, in the order they are asked, and the log of
 * deferrals. Each factory returns no gate for a type that does not use it, so such a type
 * pays no request. Add a new kind of gate here.
 */
export function flowControlGates(options: FlowControlOptions): {
  gates: GateFactory[];
  deferrals: DeferralLog;
} {
  const { client, tableName } = options;
  return {
    // Rate first: a task that has no token yet does not take a concurrency slot.
    gates: [
      rateLimitGates(new DynamoRateLimitStore(client, tableName), options.clock),
      concurrencyGates(new DynamoSlotStore(client, tableName)),
    ],
    deferrals: new DynamoDeferralLog({
      client,
      tableName,
      ...(options.retentionDays !== undefined ? { retentionDays: options.retentionDays } : {}),
    }),
  };
}
