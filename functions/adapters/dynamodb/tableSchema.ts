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
  /**
   * Opt-in index (definition `table.typeIndex`) for listing one type's tasks by creation
   * time. Every task item carries its keys, so every status write also writes the index.
   */
  typeIndex: {
    name: 'byType',
    partitionKey: 'type',
    sortKey: 'createdAt',
  },
} as const;
