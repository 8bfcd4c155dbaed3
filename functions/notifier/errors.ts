import type * as z from 'zod';
import { type ErrorCode, TaskpipeError, type ValidationIssue } from '../core/errors.js';

/**
 * The notifier's typed errors. None of them ever carries a webhook URL (its path or query
 * holds the credential) or a secret's value: only target names, secret names and hosts.
 */

/** The SNS message is not a CloudWatch alarm notification. Retrying cannot fix it. */
export class AlarmMessageError extends TaskpipeError {
  readonly code = 'invalid_payload';
  readonly retryable = false;

  constructor(
    message: string,
    readonly issues: ValidationIssue[] = [],
  ) {
    super(
      issues.length
        ? `${message}: ${issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`
        : message,
      { details: { issues } },
    );
  }

  /** The error for a message that failed `schema`, with every zod issue. */
  static fromZod(message: string, error: z.ZodError): AlarmMessageError {
    return new AlarmMessageError(
      message,
      error.issues.map((issue) => ({
        path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
        message: issue.message,
        code: issue.code,
      })),
    );
  }
}

/** Why a webhook secret could not be used. */
export type WebhookSecretProblem = 'missing' | 'malformed' | 'unreadable';

/** A webhook secret is absent, unreadable, or not `{ "url": …, "secret"?: … }`. */
export class WebhookSecretError extends TaskpipeError {
  readonly code = 'config';
  readonly retryable: boolean;

  constructor(
    readonly secretName: string,
    readonly problem: WebhookSecretProblem,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`webhook secret "${secretName}" ${detail}`, options);
    // Access or throttling problems may pass; a missing or malformed secret needs a person.
    this.retryable = problem === 'unreadable';
  }
}

/** How one delivery attempt, or the last of them, failed. */
export type DeliveryFailure = 'timeout' | 'network' | 'status' | 'rejected' | 'deadline';

/** A webhook did not take the notification after the attempts it was allowed. */
export class WebhookDeliveryError extends TaskpipeError {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  /** The last HTTP status, when an answer came. */
  readonly status?: number;
  /** Attempts made before giving up. */
  readonly attempts: number;

  constructor(
    readonly host: string,
    readonly failure: DeliveryFailure,
    message: string,
    options: { retryable: boolean; status?: number; attempts?: number; cause?: unknown },
  ) {
    super(message, {
      cause: options.cause,
      details: { host, failure, status: options.status, attempts: options.attempts },
    });
    this.retryable = options.retryable;
    this.code = options.retryable ? 'retryable' : 'permanent';
    this.status = options.status;
    this.attempts = options.attempts ?? 1;
  }
}

/** One target that did not get the alarm. */
export interface TargetFailure {
  target: string;
  kind: string;
  error: TaskpipeError;
}

/**
 * At least one target did not get the alarm, after every target was tried. Thrown from the
 * handler so Lambda's asynchronous retries, then the on-failure destination, take the event.
 */
export class NotificationFailedError extends TaskpipeError {
  readonly code = 'retryable';
  readonly retryable = true;

  constructor(
    readonly alarmName: string,
    readonly failures: TargetFailure[],
    readonly delivered: string[],
  ) {
    super(
      `alarm "${alarmName}" was not delivered to ${failures
        .map((f) => `${f.target} (${f.kind}: ${f.error.message})`)
        .join(', ')}${delivered.length ? `; delivered to ${delivered.join(', ')}` : ''}`,
      {
        details: {
          failed: failures.map((f) => ({ target: f.target, kind: f.kind, code: f.error.code })),
          delivered,
        },
      },
    );
  }
}
