import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDebounceStore } from '../adapters/dynamodb/DynamoDebounceStore.js';
import { DynamoDeferralLog } from '../adapters/dynamodb/DynamoDeferralLog.js';
import { DynamoFlowStore } from '../adapters/dynamodb/DynamoFlowStore.js';
import { DynamoRateLimitStore } from '../adapters/dynamodb/DynamoRateLimitStore.js';
import { DynamoSlotStore } from '../adapters/dynamodb/DynamoSlotStore.js';
import type { DeferralLog, GateFactory } from '../core/consumer/admission/types.js';
import { BreakerRegistry } from '../core/flow/BreakerRegistry.js';
import type { BreakerAnnouncements } from '../core/flow/breakerAnnouncements.js';
import { breakerLog } from '../core/flow/breakerLog.js';
import { concurrencyGates } from '../core/flow/ConcurrencyGate.js';
import { debounceGates } from '../core/flow/DebounceGate.js';
import { breakerGate, pauseGate } from '../core/flow/flowGates.js';
import { PauseBoard } from '../core/flow/PauseBoard.js';
import { rateLimitGates } from '../core/flow/RateLimitGate.js';
import type { RateLimitPolicy } from '../core/flow/tokenBucket.js';
import type { Clock, Logger } from '../core/ports.js';

/** What flow control's adapters are built on: the task table holds their shared state. */
export interface FlowControlOptions {
  client: DynamoDBClient;
  tableName: string;
  retentionDays?: number;
  clock: Clock;
  logger: Logger;
  /** What a breaker's transitions are told to, besides the log. */
  breakerEvents?: BreakerAnnouncements;
  /** Rate limits of types that set none themselves (`email.send`'s send rate). */
  rateLimitDefaults?: Readonly<Record<string, RateLimitPolicy>>;
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
  const events = options.breakerEvents ?? breakerLog(options.logger);
  const breakers = new BreakerRegistry({ store, clock, events });
  const deferrals = new DynamoDeferralLog({
    client,
    tableName,
    ...(options.retentionDays !== undefined ? { retentionDays: options.retentionDays } : {}),
  });
  return {
    // Pause first: a paused task takes no token and no slot. Debounce next: a task that a
    // later one replaces ends before it takes any. The breaker last: a half-open
    // probe slot goes only to a task that will run; a token or slot taken by a task that a
    // later gate defers is given back by its release, or spent (a token only lowers the rate).
    gates: [
      pauseGate(new PauseBoard({ store, clock })),
      debounceGates(new DynamoDebounceStore(client, tableName), deferrals),
      rateLimitGates(new DynamoRateLimitStore(client, tableName), clock, options.rateLimitDefaults),
      concurrencyGates(new DynamoSlotStore(client, tableName)),
      breakerGate(breakers),
    ],
    // Notices of transitions made in this batch go out before the invocation ends.
    flushFlow: async () => {
      try {
        await breakers.flush();
      } finally {
        await options.breakerEvents?.settled();
      }
    },
    deferrals,
  };
}
