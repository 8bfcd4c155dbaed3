import { pipelineDefinition } from '../definition/pipeline.js';
import type { PipelineDefinitionInput } from '../definition/schema.js';

/**
 * The pipeline of the chaos run: short function timeout (so leases and the derived
 * visibility timeout of 12 s expire quickly) and a receive cap far above the task attempts,
 * so repeated crashes and deferrals never hand a live task to SQS's own redrive.
 */
export const CHAOS_DEFINITION: PipelineDefinitionInput = {
  ...pipelineDefinition,
  queues: pipelineDefinition.queues.map((q) => ({ ...q, maxReceiveCount: 50 })),
  consumer: { ...pipelineDefinition.consumer, timeoutSeconds: 2, safetyMarginMs: 500 },
  table: { ...pipelineDefinition.table, deletionProtection: false },
};
