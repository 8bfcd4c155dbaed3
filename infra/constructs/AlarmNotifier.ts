import { fileURLToPath } from 'node:url';
import { Duration, Lazy, Stack, Validations } from 'aws-cdk-lib';
import { type Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Grant, type Role } from 'aws-cdk-lib/aws-iam';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { LogGroup } from 'aws-cdk-lib/aws-logs';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  type AlarmName,
  type AlertTargetDefinition,
  bareAddress,
  type EmailAlertDefinition,
  isWebhook,
  type NotifierDefinition,
  notifierTimeoutProblem,
  notifierTimeoutSeconds,
  senderIdentity,
  WEBHOOK_ATTEMPTS,
} from '../../definition/index.js';
import { ConfigError } from '../../functions/core/errors.js';
import { ALARM_PERIOD, type AlarmFactory } from './alarms/AlarmFactory.js';
import { nodeOptions } from './consumerEnvironment.js';
import { bundledFunctionProps, functionRoleAndLogs } from './functionDefaults.js';
import { pascalCase } from './pascalCase.js';

/** The notifier Lambda entry point. */
export const DEFAULT_NOTIFIER_ENTRY = fileURLToPath(
  new URL('../../functions/notifier/handler.ts', import.meta.url),
);

/** Lambda retries a failed asynchronous invocation twice before the failure destination. */
export const NOTIFIER_RETRY_ATTEMPTS = 2;

/**
 * `TASKPIPE_WEBHOOK_TARGETS`: where to post, never how. The URL and signing secret stay in
 * Secrets Manager and are read at run time.
 */
export function webhookTargetsJson(
  webhooks: readonly AlertTargetDefinition[],
  alarmNamesOf: (kind: AlarmName) => readonly string[] = () => [],
): string {
  return JSON.stringify(
    webhooks.map((w) => ({
      name: w.name,
      kind: w.kind,
      ...(isWebhook(w) ? { secretName: w.secretName } : { addresses: w.addresses, from: w.from }),
      // A webhook that lists alarm kinds gets only those alarms, named as deployed.
      ...(w.alarms ? { alarmNames: w.alarms.flatMap((kind) => alarmNamesOf(kind)) } : {}),
    })),
  );
}

export interface AlarmNotifierProps {
  /** The pipeline's name (the Powertools service name). */
  readonly name: string;
  /** The alarm topic the notifier subscribes to. */
  readonly topic: ITopic;
  /** Where notifications go: chat webhooks (each names its secret) and email targets. */
  readonly webhooks: readonly AlertTargetDefinition[];
  readonly settings: NotifierDefinition;
  /** Load source maps at start-up (the definition's `sourceMaps`). @default false */
  readonly sourceMaps?: boolean;
  /** Makes the alarm on the failure queue. */
  readonly alarmFactory: AlarmFactory;
  /**
   * The notifier's entry file, exporting `handler`.
   * @default functions/notifier/handler.ts in this repository
   */
  readonly entry?: string;
}

/**
 * The Lambda that turns alarm notifications into chat messages: subscribed to the alarm
 * topic, allowed to read only its webhooks' secrets, retried twice by Lambda, and with
 * notifications it could not deliver kept on a failure queue that has its own alarm.
 */
export class AlarmNotifier extends Construct {
  readonly function: LambdaFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  /** Notifications still undelivered after every retry (the async on-failure destination). */
  readonly failureQueue: Queue;
  /** Fires when the failure queue holds a notification. */
  readonly failureAlarm: Alarm;
  /** The webhook secrets the function may read, by webhook name. */
  readonly secrets: ReadonlyMap<string, ISecret>;

  constructor(scope: Construct, id: string, props: AlarmNotifierProps) {
    super(scope, id);
    const { settings } = props;
    const problem = notifierTimeoutProblem(settings);
    if (problem) throw new ConfigError('invalid notifier settings', [problem]);

    const logs = functionRoleAndLogs(this, settings.logRetentionDays);
    this.role = logs.role;
    this.logGroup = logs.logGroup;
    this.function = new LambdaFunction(this, 'Function', {
      ...bundledFunctionProps(props.entry ?? DEFAULT_NOTIFIER_ENTRY),
      description: `${props.name}: posts alarm notifications to chat webhooks`,
      memorySize: settings.memoryMb,
      timeout: Duration.seconds(notifierTimeoutSeconds(settings)),
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        // Lazy: rendered once every alarm exists, whatever the construction order.
        TASKPIPE_WEBHOOK_TARGETS: Lazy.string({
          produce: () =>
            webhookTargetsJson(props.webhooks, (kind) => props.alarmFactory.alarmNamesOf(kind)),
        }),
        TASKPIPE_WEBHOOK_TIMEOUT_MS: String(settings.webhookTimeoutMs),
        // Stated, not left to the notifier's default: the Lambda timeout is sized for it.
        TASKPIPE_WEBHOOK_MAX_ATTEMPTS: String(WEBHOOK_ATTEMPTS),
        POWERTOOLS_SERVICE_NAME: `${props.name}-notifier`,
        POWERTOOLS_LOG_LEVEL: settings.logLevel,
        ...nodeOptions(props.sourceMaps ?? false),
      },
    });

    // Secrets are referenced by name whether this stack, the stateful one or someone else
    // made them: the grant covers that name and its random suffix only. A secret under a
    // customer-managed key also needs kms:Decrypt on that key, and only through Secrets
    // Manager (an imported key's policy cannot be changed, so the role gets it).
    const secrets = new Map<string, ISecret>();
    for (const hook of props.webhooks.filter(isWebhook)) {
      const secret = Secret.fromSecretNameV2(
        this,
        `${pascalCase(hook.name)}Secret`,
        hook.secretName,
      );
      if (hook.kmsKeyArn) {
        Grant.addToPrincipal({
          grantee: this.function,
          actions: ['kms:Decrypt'],
          resourceArns: [hook.kmsKeyArn],
          conditions: {
            StringEquals: {
              'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com`,
            },
          },
        });
      }
      secret.grantRead(this.function);
      secrets.set(hook.name, secret);
    }
    this.secrets = secrets;
    for (const alert of props.webhooks) if (!isWebhook(alert)) this.grantSendAs(alert);

    this.failureQueue = new Queue(this, 'FailureQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.failureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is itself the notifier's dead-letter destination (asynchronous invocation on-failure); nothing consumes it, so it needs no DLQ of its own. Its alarm reports anything that lands on it.",
    });
    this.function.configureAsyncInvoke({
      retryAttempts: NOTIFIER_RETRY_ATTEMPTS,
      onFailure: new SqsDestination(this.failureQueue),
    });
    props.topic.addSubscription(new LambdaSubscription(this.function));

    this.failureAlarm = props.alarmFactory.create({
      id: 'NotifierFailures',
      name: 'notifier-failures',
      metric: this.failureQueue.metricApproximateNumberOfMessagesVisible({
        statistic: 'Maximum',
        period: ALARM_PERIOD,
      }),
      settings: { enabled: true, threshold: 1, evaluationPeriods: 1 },
      comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // An idle, empty queue sends no metrics: nothing failed.
      treatMissingData: TreatMissingData.NOT_BREACHING,
      runbook: `Alarm notifications could not be posted to the chat webhooks and wait on the notifier's failure queue (${Stack.of(this).stackName}). This message may not reach chat either: check the alarms in the CloudWatch console, read the notifier log group, and check each webhook secret's URL.`,
    })!;
  }

  /**
   * Lets the function send email as the alert's sender only: `ses:SendEmail` on that one
   * SES identity, and only with that From address.
   */
  private grantSendAs(alert: EmailAlertDefinition): void {
    const stack = Stack.of(this);
    Grant.addToPrincipal({
      grantee: this.function,
      actions: ['ses:SendEmail'],
      resourceArns: [
        stack.formatArn({
          service: 'ses',
          resource: 'identity',
          resourceName: senderIdentity(alert),
        }),
      ],
      conditions: { StringEquals: { 'ses:FromAddress': bareAddress(alert.from) } },
    });
  }
}
