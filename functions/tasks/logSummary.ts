import * as z from 'zod';
import { defineTask } from '../core/task.js';
import { summarizeLogs } from './summarizeLogs.js';

/** Most lines one payload may carry. */
export const LOG_SUMMARY_MAX_LINES = 10_000;
/** Longest line accepted, in characters. */
export const LOG_SUMMARY_MAX_LINE_LENGTH = 8_192;

/** Payload of `logs.summarize`. */
export const logSummaryPayloadSchema = z.object({
  lines: z.array(z.string().max(LOG_SUMMARY_MAX_LINE_LENGTH)).max(LOG_SUMMARY_MAX_LINES),
  source: z.string().min(1).max(256).optional(),
  topN: z.number().int().min(1).max(50).optional(),
});

/**
 * `logs.summarize`: counts log lines per level, groups similar error messages and reports
 * the time span covered. Pure and deterministic, so retrying only helps against failures of
 * the platform, never of the input.
 */
export const logSummary = defineTask({
  type: 'logs.summarize',
  schema: logSummaryPayloadSchema,
  handler: (payload) =>
    summarizeLogs(payload.lines, { source: payload.source, topN: payload.topN }),
  maxAttempts: 2,
  timeoutMs: 10_000,
});
