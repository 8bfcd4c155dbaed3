import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoGroupStore } from '../../functions/adapters/dynamodb/DynamoGroupStore.js';
import type { createConsumer } from '../../functions/consumer/createConsumer.js';

/** What a feature adds to the consumer's dependencies when it is wired in. */
export type ConsumerSetupFor = (clients: {
  dynamodb: DynamoDBClient;
  tableName: string;
}) => Partial<Parameters<typeof createConsumer>[0]>;

/**
 * The optional features a pipeline can have wired in without using them. Rate limits, the
 * circuit breaker and pause join this list as they land: one entry each, with what they add
 * to the consumer (and, when they have one, to the producer).
 */
export const UNUSED_FEATURES: { name: string; setup: ConsumerSetupFor }[] = [
  {
    name: 'groups',
    setup: ({ dynamodb, tableName }) => ({
      groups: new DynamoGroupStore({ client: dynamodb, tableName }),
    }),
  },
];
