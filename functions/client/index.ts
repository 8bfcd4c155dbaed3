export type { BatchEntryResult } from '../core/service/enqueueBatch.js';
export type { TaskView } from '../core/service/taskView.js';
export { TaskClient, type TaskClientOptions } from './TaskClient.js';
export type { ClientTaskRequest, DefinitionsOf, PayloadFor, TypeOf } from './types.js';
