import { createRegistry } from '../core/registry.js';
import { emailSend } from './emailSend.js';
import { httpPost } from './httpPost.js';
import { logSummary } from './logSummary.js';
import { noop } from './noop.js';

export type { EmailSendResult } from './emailSend.js';
export type { HttpPostErrorDetails, HttpPostResult } from './httpPost.js';
export type { LogSummary } from './summarizeLogs.js';
export { emailSend, httpPost, logSummary, noop };

/** Every task type the application runs. */
export const tasks = [emailSend, httpPost, logSummary, noop] as const;

/** The union of the application's task definitions, for typed enqueueing. */
export type AppTasks = (typeof tasks)[number];

/** The application's task registry, checked when this module loads. */
export const registry = createRegistry(tasks);
