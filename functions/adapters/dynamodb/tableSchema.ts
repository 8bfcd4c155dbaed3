/**
 * The task table's key schema, shared by the store adapter, the CDK stack and the local
 * runtime so the three cannot drift.
 */
export const TASK_TABLE = {
  partitionKey: 'id',
  /** Epoch seconds; DynamoDB TTL deletes the item some time after it passes. */
  ttlAttribute: 'expiresAt',
  /** Sparse index: only FAILED items carry its keys, so it stays small and cold. */
  failureIndex: {
    name: 'failures',
    partitionKey: 'failedType',
    sortKey: 'failedAt',
  },
} as const;
