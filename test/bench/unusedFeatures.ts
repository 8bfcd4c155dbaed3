import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoGroupStore } from '../../functions/adapters/dynamodb/DynamoGroupStore.js';
import type { createConsumer } from '../../functions/consumer/createConsumer.js';
import { flowControlGates } from '../../functions/consumer/flowControlGates.js';
import type { AnyTaskDefinition } from '../../functions/core/task.js';

/** Every flow-control gate, on a clock that stands still. */
const flowControl: ConsumerSetupFor = ({ dynamodb, tableName }) => {
  const { gates, deferrals, flushFlow } = flowControlGates({
    client: dynamodb,
    tableName,
    clock: { now: () => 1_700_000_000_000 },
    logger: new Logger({ logLevel: 'SILENT' }),
  });
  return { gates, deferrals, flushFlow };
};

/** What a feature adds to the consumer's dependencies when it is wired in. */
export type ConsumerSetupFor = (clients: {
  dynamodb: DynamoDBClient;
  tableName: string;
}) => Partial<Parameters<typeof createConsumer>[0]>;

/**
 * The optional features a pipeline can have wired in without using them: one entry each,
 * with what they add to the consumer (and, when they have one, to the producer). `fixed` is
 * a cost per warm instance that does not grow with the tasks, by counter key.
 */
export const UNUSED_FEATURES: {
  name: string;
  setup: ConsumerSetupFor;
  fixed?: Record<string, number>;
  /** Settings the pipeline's other types (not `noop`, which the run sends) are given. */
  otherTypes?: Partial<AnyTaskDefinition>;
}[] = [
  {
    name: 'groups',
    setup: ({ dynamodb, tableName }) => ({
      groups: new DynamoGroupStore({ client: dynamodb, tableName }),
    }),
  },
  {
    // Rate limits, key concurrency, debounce and breakers ask nothing of a type without
    // them. Pause by type is the exception: an operator may pause any type at any time, so
    // each instance reads the pause list once per 5 s (the clock here stands still: once).
    name: 'flow control',
    setup: flowControl,
    fixed: { 'consumer:dynamodb:GetItem': 1 },
  },
  {
    // In use by other types of the same pipeline: a type without the settings still pays nothing.
    name: 'flow control used by the other types',
    setup: flowControl,
    fixed: { 'consumer:dynamodb:GetItem': 1 },
    otherTypes: {
      rateLimit: { perSecond: 5, burst: 5 },
      concurrency: { key: () => 'one', limit: 1 },
      breaker: {},
    },
  },
];
