export * from './alarms.js';
export * from './api.js';
export * from './checks.js';
export * from './concurrency.js';
export * from './parsePipelineDefinition.js';
export { pipelineDefinition } from './pipeline.js';
export * from './schedules.js';
export * from './schema.js';
export { SMALL_QUOTA_DEFINITION } from './smallQuota.js';
