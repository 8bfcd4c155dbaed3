import { setTimeout as delay } from 'node:timers/promises';
import {
  CreateTopicCommand,
  PublishCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { EmailAlertDefinition } from '../../definition/alarms.js';
import type { NoticePublisher } from '../../functions/core/flow/ports.js';
import type { Logger } from '../../functions/core/ports.js';
import type { MailTransport } from '../../functions/email/ports.js';
import type { WebhookKind } from '../../functions/notifier/formatters/index.js';
import { Notifier } from '../../functions/notifier/Notifier.js';
import { StaticSecretProvider } from '../../functions/notifier/StaticSecretProvider.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../clients.js';
import { EventSourcePoller } from '../esm/EventSourcePoller.js';
import { AlarmEvaluator, type AlarmTransition, type LocalAlarm } from './AlarmEvaluator.js';
import { cloudWatchAlarmMessage } from './cloudWatchAlarmMessage.js';
import { localNoticePublisher } from './localNotices.js';
import { PrintingReceiver } from './PrintingReceiver.js';

export interface LocalAlarmOptions {
  name: string;
  sqs: SQSClient;
  sqsEndpoint: string;
  alarms: LocalAlarm[];
  /** Closes the metrics period before each evaluation. */
  closePeriod: () => void;
  periodSeconds: number;
  /** A webhook to send to; without one, alarms are printed. */
  webhook?: { url: string; kind: WebhookKind };
  print: (text: string) => void;
  /** Email alarm targets of the definition, sent to the outbox (or `SMTP_URL`). */
  email?: { targets: readonly EmailAlertDefinition[]; transport: MailTransport };
  logger: Logger;
}

/**
 * The alarm path on one machine: the evaluator publishes CloudWatch-shaped messages to a
 * local SNS topic; a subscribed queue feeds them to the same notifier code as on AWS.
 * Breaker notices take the same topic, through the publisher the consumer uses on AWS.
 */
export class LocalAlarmRuntime {
  /** Publishes breaker notices to the local alarm topic. */
  readonly notices: NoticePublisher;

  #running = true;
  #wake = new AbortController();
  #loop?: Promise<void>;

  private constructor(
    readonly evaluator: AlarmEvaluator,
    readonly topicArn: string,
    private readonly options: LocalAlarmOptions,
    private readonly poller: EventSourcePoller,
    sns: SNSClient,
    private readonly receiver?: PrintingReceiver,
  ) {
    this.notices = localNoticePublisher(sns, topicArn);
  }

  static async start(options: LocalAlarmOptions): Promise<LocalAlarmRuntime> {
    const sns = new SNSClient({
      region: LOCAL_REGION,
      endpoint: options.sqsEndpoint,
      credentials: { ...LOCAL_CREDENTIALS },
    });
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `${options.name}-alarms` }));
    const queueName = `${options.name}-alarm-notifier`;
    const { QueueUrl } = await options.sqs.send(new CreateQueueCommand({ QueueName: queueName }));
    const { Attributes } = await options.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    await sns.send(
      new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes?.QueueArn }),
    );

    const receiver = options.webhook ? undefined : new PrintingReceiver(options.print);
    const target = options.webhook ?? { url: await receiver!.listen(), kind: 'generic' as const };
    const notifier = new Notifier({
      targets: [
        { name: 'local', kind: target.kind, secretName: 'local' },
        // Every alarm: local alarm names differ from the deployed ones an alert may list.
        ...(options.email?.targets ?? []).map((t) => ({
          name: t.name,
          kind: 'email' as const,
          addresses: t.addresses,
          from: t.from,
        })),
      ],
      secrets: new StaticSecretProvider({ local: { url: target.url } }),
      ...(options.email ? { mail: options.email.transport } : {}),
      logger: options.logger,
    });
    const poller = new EventSourcePoller({
      sqs: options.sqs,
      queue: { url: QueueUrl!, arn: Attributes!.QueueArn!, name: queueName },
      region: LOCAL_REGION,
      handler: (event) => notify(notifier, event),
      functionName: `${options.name}-notifier`,
      functionTimeoutMs: 30_000,
      batchSize: 1,
      batchingWindowSeconds: 0,
      maxConcurrency: 2,
    });
    const publish = async (t: AlarmTransition) => {
      await sns.send(
        new PublishCommand({
          TopicArn,
          Subject: `${t.newState}: "${t.alarm.name}"`,
          Message: JSON.stringify(cloudWatchAlarmMessage(t, LOCAL_REGION)),
        }),
      );
    };
    const runtime = new LocalAlarmRuntime(
      new AlarmEvaluator(options.alarms, publish),
      TopicArn!,
      options,
      poller,
      sns,
      receiver,
    );
    poller.start();
    runtime.#loop = runtime.run();
    return runtime;
  }

  /** Closes the current period and evaluates now, without waiting for the timer. */
  async evaluateNow(): Promise<void> {
    this.options.closePeriod();
    await this.evaluator.tick();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#wake.abort();
    await this.#loop;
    await this.poller.stop();
    await this.receiver?.close();
  }

  private async run(): Promise<void> {
    while (this.#running) {
      try {
        await delay(this.options.periodSeconds * 1000, undefined, { signal: this.#wake.signal });
      } catch {
        break;
      }
      try {
        await this.evaluateNow();
      } catch (error) {
        this.options.logger.warn('local alarm evaluation failed', { error });
      }
    }
  }
}

/** SNS delivered to SQS wraps the alarm in a notification; Lambda gets it as an SNS event. */
async function notify(notifier: Notifier, event: SQSEvent): Promise<SQSBatchResponse> {
  const failures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    try {
      const message = unwrapSns(record.body);
      await notifier.handle({ Records: [{ Sns: { Message: message } }] });
    } catch {
      // As Lambda's async retries: the message comes back after its visibility timeout.
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}

function unwrapSns(body: string): string {
  try {
    const parsed = JSON.parse(body) as { Type?: string; Message?: string };
    return parsed.Type === 'Notification' && parsed.Message ? parsed.Message : body;
  } catch {
    return body;
  }
}
