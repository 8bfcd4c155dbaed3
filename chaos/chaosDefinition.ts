import { pipelineDefinition } from '../definition/pipeline.js';
import type { PipelineDefinitionInput } from '../definition/schema.js';

/**
 * The pipeline of the chaos run: short function timeout (so leases and the derived
 * visibility timeout of 12 s expire quickly) and a receive cap far above the task attempts,
 * so repeated crashes and deferrals never hand a live task to SQS's own redrive. A FIFO
 * queue carries only the tasks aimed at its DLQ copy.
 */
export const CHAOS_DEFINITION: PipelineDefinitionInput = {
  ...pipelineDefinition,
  queues: [
    ...pipelineDefinition.queues,
    { priority: 'ordered', fifo: true, maxConcurrency: 2, batchSize: 10, batchingWindowSeconds: 0 },
  ].map((q) => ({ ...q, maxReceiveCount: 50 })),
  consumer: { ...pipelineDefinition.consumer, timeoutSeconds: 2, safetyMarginMs: 500 },
  table: { ...pipelineDefinition.table, deletionProtection: false },
};
