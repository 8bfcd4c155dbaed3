import * as z from 'zod';
import { ConfigError, type TaskpipeError, toTaskpipeError } from '../core/errors.js';
import { type Clock, type Logger, systemClock } from '../core/ports.js';
import type { MailTransport } from '../email/ports.js';
import type { AlarmNotice } from './AlarmNotice.js';
import type { AlarmState } from './alarmMessage.js';
import {
  DEFAULT_DELIVERY_POLICY,
  type Delivered,
  type DeliveryPolicy,
  deliver,
} from './deliver.js';
import { type EmailTarget, emailAlarm } from './emailAlarm.js';
import { AlarmMessageError, NotificationFailedError, type TargetFailure } from './errors.js';
import { fetchHttp } from './fetchHttp.js';
import { FORMATTERS, type WebhookKind } from './formatters/index.js';
import { noticeOf } from './notification.js';
import type { HttpPort, SecretProvider } from './ports.js';
import { buildRequest } from './sign.js';

/** One chat or webhook destination; its URL and signing secret live in `secretName`. */
export interface WebhookTarget {
  name: string;
  kind: WebhookKind;
  secretName: string;
  /** Only these alarms (by name) go to this target. @default every alarm */
  alarmNames?: readonly string[];
}

/** Where alarms go: a chat service or webhook, or email. */
export type NotifierTarget = WebhookTarget | EmailTarget;

export type { EmailTarget } from './emailAlarm.js';

/** How one target took the alarm: a webhook's answer, or the id of the email sent. */
export type TargetDelivery = Delivered | { attempts: number; messageId: string };

/** What the notifier is built from. Everything but targets and secrets has a default. */
export interface NotifierOptions {
  targets: readonly NotifierTarget[];
  secrets: SecretProvider;
  /** Sends the email targets' messages (SES on AWS, the outbox locally). */
  mail?: MailTransport;
  /** @default fetch */
  http?: HttpPort;
  logger?: Logger;
  clock?: Clock;
  /** @default a timer */
  sleep?: (ms: number) => Promise<void>;
  /** For the backoff's jitter. @default Math.random */
  random?: () => number;
  /** @default {@link DEFAULT_DELIVERY_POLICY} */
  delivery?: Partial<DeliveryPolicy>;
}

/** The part of an SNS event the notifier reads; a Lambda `SNSEvent` is one. */
export interface SnsAlarmEvent {
  Records: readonly { Sns: { Message: string } }[];
}

/** Options of one call. */
export interface NotifyOptions {
  /** Time left in the invocation; no request or wait runs past it (less a margin). */
  remainingTimeMs?: number;
}

/** The outcome of one alarm: every target got it. */
export interface NotifyReport {
  alarm: string;
  state: AlarmState;
  delivered: ({ target: string; kind: NotifierTarget['kind'] } & TargetDelivery)[];
}

const snsEventSchema = z.looseObject({
  Records: z.array(z.looseObject({ Sns: z.looseObject({ Message: z.string() }) })).min(1),
});

// Kept back from the invocation's end so a failure is reported, not cut off.
const DEADLINE_MARGIN_MS = 500;

const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Sends CloudWatch alarm notifications to chat and webhook targets. The Lambda handler and
 * the local runtime both call it; secrets and HTTP come in through ports.
 */
export class Notifier {
  private readonly targets: readonly NotifierTarget[];
  private readonly secrets: SecretProvider;
  private readonly mail: MailTransport | undefined;
  private readonly http: HttpPort;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly policy: DeliveryPolicy;

  constructor(options: NotifierOptions) {
    this.targets = options.targets;
    const mailed = options.targets.find((t) => t.kind === 'email');
    if (mailed && !options.mail) {
      throw new ConfigError('the notifier has email targets but no mail transport', [
        `target "${mailed.name}" is kind email`,
      ]);
    }
    this.mail = options.mail;
    this.secrets = options.secrets;
    this.http = options.http ?? fetchHttp;
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.policy = { ...DEFAULT_DELIVERY_POLICY, ...options.delivery };
  }

  /**
   * Handles an SNS event: every record must be an alarm message or a breaker notice (else
   * nothing is sent and an {@link AlarmMessageError} is thrown), then each goes to every
   * target.
   *
   * @throws NotificationFailedError after trying every target, if any did not take it.
   */
  async handle(event: SnsAlarmEvent, options: NotifyOptions = {}): Promise<NotifyReport[]> {
    const parsed = snsEventSchema.safeParse(event);
    if (!parsed.success) {
      throw new AlarmMessageError('event is not an SNS notification with records');
    }
    const notices = parsed.data.Records.map((r) => noticeOf(r.Sns.Message));
    // One deadline for the whole event: records share the invocation's time.
    const deadline = this.deadlineOf(options);
    const reports: NotifyReport[] = [];
    for (const notice of notices) reports.push(await this.notifyBy(notice, deadline));
    return reports;
  }

  /**
   * Sends one notice to every target, independently and at once.
   *
   * @throws NotificationFailedError naming the targets that did not take it.
   */
  notify(notice: AlarmNotice, options: NotifyOptions = {}): Promise<NotifyReport> {
    return this.notifyBy(notice, this.deadlineOf(options));
  }

  private deadlineOf(options: NotifyOptions): number | undefined {
    return options.remainingTimeMs === undefined
      ? undefined
      : this.clock.now() + options.remainingTimeMs - DEADLINE_MARGIN_MS;
  }

  private async notifyBy(notice: AlarmNotice, deadline?: number): Promise<NotifyReport> {
    // A target that lists its alarms gets only those: a breaker's notice is none of them.
    const targets = this.targets.filter(
      (t) => t.alarmNames === undefined || t.alarmNames.includes(notice.name),
    );
    const outcomes = await Promise.allSettled(targets.map((t) => this.send(t, notice, deadline)));
    const delivered: NotifyReport['delivered'] = [];
    const failures: TargetFailure[] = [];
    outcomes.forEach((outcome, i) => {
      const target = targets[i]!;
      if (outcome.status === 'fulfilled') {
        delivered.push({ target: target.name, kind: target.kind, ...outcome.value });
      } else {
        failures.push({
          target: target.name,
          kind: target.kind,
          error: toTaskpipeError(outcome.reason),
        });
      }
    });
    if (failures.length) {
      throw new NotificationFailedError(
        notice.name,
        failures,
        delivered.map((d) => d.target),
      );
    }
    return { alarm: notice.name, state: notice.state, delivered };
  }

  private async send(
    target: NotifierTarget,
    notice: AlarmNotice,
    deadline?: number,
  ): Promise<TargetDelivery> {
    const fields = {
      target: target.name,
      kind: target.kind,
      alarm: notice.name,
      state: notice.state,
    };
    try {
      if (target.kind === 'email') {
        const result = await emailAlarm(this.mail!, target, notice);
        // The message id only: addresses stay out of the logs.
        this.logger.info('alarm emailed', { ...fields, messageId: result.messageId });
        return result;
      }
      const { url, secret } = await this.secrets.getWebhookSecret(target.secretName);
      const payload = FORMATTERS[target.kind](notice);
      const request = buildRequest(target.kind, payload, url, secret, this.clock.now());
      const result = await deliver(target.kind, request, this.policy, {
        http: this.http,
        clock: this.clock,
        sleep: this.sleep,
        random: this.random,
        ...(deadline !== undefined ? { deadline } : {}),
      });
      // Only names, the host-free outcome and counts are logged: never the URL or secret.
      this.logger.info('alarm delivered', { ...fields, ...result });
      return result;
    } catch (thrown) {
      const error: TaskpipeError = toTaskpipeError(thrown);
      this.logger.error('alarm not delivered', {
        ...fields,
        error: error.message,
        code: error.code,
      });
      throw error;
    }
  }
}
