import * as z from 'zod';
import { AlarmMessageError } from './errors.js';

/**
 * A circuit breaker's notice as the consumer publishes it to the alarm topic
 * (functions/core/flow/breakerNotice.ts), with the partition, region and account of the
 * topic and the consumer's log group. `source` and `kind` set it apart from CloudWatch's
 * alarm messages.
 */

const STATES = ['closed', 'open', 'half_open'] as const;
const timestamp = z.iso.datetime({ offset: true });

export const breakerMessageSchema = z.looseObject({
  source: z.literal('taskpipe'),
  kind: z.literal('circuit-breaker'),
  version: z.literal(1),
  pipeline: z.string().min(1).max(256),
  key: z.string().min(1).max(512),
  move: z.enum(['opened', 'closed', 'moved']),
  state: z.enum(STATES),
  previousState: z.enum(STATES),
  by: z.string().min(1).max(512),
  time: timestamp,
  probingAt: timestamp.optional(),
  figures: z
    .looseObject({
      failures: z.number().int().min(0),
      attempts: z.number().int().min(0),
      windowSeconds: z.number().positive(),
      failureRate: z.number().gt(0).max(1),
      minAttempts: z.number().int().min(1),
    })
    .optional(),
  transition: z.number().int().min(1),
  runbook: z.string().max(4_000),
  partition: z.enum(['aws', 'aws-cn', 'aws-us-gov']),
  // Checked, like an alarm ARN's parts, so the console link can only point at AWS.
  region: z.string().regex(/^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/, 'must be a region code'),
  account: z.string().regex(/^\d{12}$/, 'must be a 12-digit account id'),
  logGroup: z
    .string()
    .regex(/^[\w\-./#]{1,512}$/, 'must be a log group name')
    .optional(),
});

export type BreakerMessage = z.output<typeof breakerMessageSchema>;

/** Whether a parsed SNS message claims to be a taskpipe notice rather than an alarm. */
export function isTaskpipeNotice(json: unknown): boolean {
  return (
    typeof json === 'object' &&
    json !== null &&
    (json as { source?: unknown }).source === 'taskpipe'
  );
}

/**
 * Parses a message that claims to be a taskpipe notice as a breaker notice.
 *
 * @throws AlarmMessageError with the zod issues when it is not one.
 */
export function parseBreakerMessage(json: unknown): BreakerMessage {
  const parsed = breakerMessageSchema.safeParse(json);
  if (!parsed.success) {
    throw AlarmMessageError.fromZod(
      'SNS message is not a taskpipe circuit breaker notice',
      parsed.error,
    );
  }
  return parsed.data;
}
