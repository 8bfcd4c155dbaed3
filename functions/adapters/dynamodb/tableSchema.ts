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
   * Sparse index over every type's failures, newest first. A FAILED item carries a shard
   * picked from its failure time, so failure writes spread over `shards` partitions and the
   * first page of all failures takes one query per shard.
   */
  allFailuresIndex: {
    name: 'allFailures',
    partitionKey: 'failedShard',
    sortKey: 'failedAt',
    shards: 2,
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
