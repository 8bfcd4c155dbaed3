export * from './consumerEnvironment.js';
export * from './PipelineStorage.js';
export * from './PriorityQueue.js';
export * from './paths.js';
export * from './TaskConsumer.js';
export * from './TaskPipeline.js';
export * from './TaskSchedules.js';
export * from './TaskTable.js';
