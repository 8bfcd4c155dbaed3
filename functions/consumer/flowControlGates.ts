import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDeferralLog } from '../adapters/dynamodb/DynamoDeferralLog.js';
import { DynamoFlowStore } from '../adapters/dynamodb/DynamoFlowStore.js';
import type { DeferralLog, GateFactory } from '../core/consumer/admission/types.js';
import { BreakerRegistry } from '../core/flow/BreakerRegistry.js';
import { breakerLog } from '../core/flow/breakerLog.js';
import { breakerGate, pauseGate } from '../core/flow/flowGates.js';
import { PauseBoard } from '../core/flow/PauseBoard.js';
import type { Clock, Logger } from '../core/ports.js';

/** What flow control's adapters are built on: the task table holds their shared state. */
export interface FlowControlOptions {
  client: DynamoDBClient;
  tableName: string;
  retentionDays?: number;
  clock: Clock;
  logger: Logger;
}

/**
 * The consumer's flow-control gates, in the order they are asked, and the log of
 * deferrals. Each factory returns no gate for a type that does not use it, so such a type
 * pays no request. Add a new kind of gate here.
 */
export function flowControlGates(options: FlowControlOptions): {
  gates: GateFactory[];
  deferrals: DeferralLog;
  /** Writes the breakers' counts that are due; called after each batch. */
  flushFlow: () => Promise<void>;
} {
  const { client, tableName, clock } = options;
  const store = new DynamoFlowStore({ client, tableName });
  const breakers = new BreakerRegistry({ store, clock, events: breakerLog(options.logger) });
  return {
    // Pause first: a paused task must not take a breaker's probe slot.
    gates: [pauseGate(new PauseBoard({ store, clock })), breakerGate(breakers)],
    flushFlow: () => breakers.flush(),
    deferrals: new DynamoDeferralLog({
      client,
      tableName,
      ...(options.retentionDays !== undefined ? { retentionDays: options.retentionDays } : {}),
    }),
  };
}
