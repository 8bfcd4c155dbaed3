import { type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { DLQ_ATTRIBUTE } from '../../functions/core/consumer/deadLetterAttributes.js';
import { LocalPipeline, type LocalPipelineOptions } from '../../local/LocalPipeline.js';

/** What a hostile input may have left behind: status rows and messages sent by the API. */
export interface SideEffects {
  rows: number;
  sends: number;
}

/** A DLQ copy as the suite reads it. */
export interface DeadLetter {
  body: string;
  reason: string;
  code: string;
  taskId: string;
  message: string;
}

/**
 * A local pipeline for hostile inputs, with a counter of every message its API sends (an
 * SDK middleware on the pipeline's SQS client) so a test can prove nothing was enqueued.
 */
export class HostileHarness {
  sends = 0;

  private constructor(readonly pipeline: LocalPipeline) {}

  static async start(options: Partial<LocalPipelineOptions> = {}): Promise<HostileHarness> {
    const pipeline = await LocalPipeline.start({
      ports: { api: 0, sqs: 0, dynamodb: 0 },
      logLevel: 'SILENT',
      ...options,
    });
    const harness = new HostileHarness(pipeline);
    pipeline.clients.sqs.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'SendMessageBatchCommand') {
          harness.sends += (args.input as { Entries?: unknown[] }).Entries?.length ?? 0;
        }
        if (context.commandName === 'SendMessageCommand') harness.sends++;
        return next(args);
      },
      { step: 'initialize', name: 'countSends' },
    );
    return harness;
  }

  get sqs(): SQSClient {
    return this.pipeline.clients.sqs;
  }

  get dynamodb(): DynamoDBClient {
    return this.pipeline.clients.dynamodb;
  }

  queue(priority = 'default') {
    const q = this.pipeline.info.queues.find((x) => x.priority === priority);
    if (!q) throw new Error(`no ${priority} queue`);
    return q;
  }

  async sideEffects(): Promise<SideEffects> {
    const { Count = 0 } = await this.dynamodb.send(
      new ScanCommand({ TableName: this.pipeline.info.tableName, Select: 'COUNT' }),
    );
    return { rows: Count, sends: this.sends };
  }

  /** Calls the HTTP API; strings and bytes are sent as they are, anything else as JSON. */
  async api(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = { 'content-type': 'application/json' },
  ): Promise<{ status: number; json: Record<string, unknown> | undefined; text: string }> {
    const res = await fetch(`${this.pipeline.info.apiUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: raw(body) }),
    });
    const text = await res.text();
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text };
  }

  /** Sends a raw body to a source queue, as any SQS producer could. */
  async sendRaw(body: string, priority = 'default'): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({ QueueUrl: this.queue(priority).url, MessageBody: body }),
    );
  }

  /** Visible plus in-flight messages of a queue. */
  async depth(url: string): Promise<number> {
    const { Attributes = {} } = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(Attributes.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
    );
  }

  /** Receives what is on a DLQ now (hidden for a minute, so each copy is read once). */
  async deadLetters(priority = 'default'): Promise<DeadLetter[]> {
    const { Messages = [] } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queue(priority).dlqUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 60,
        MessageAttributeNames: ['All'],
      }),
    );
    return Messages.map((m) => {
      const attr = (name: string) => m.MessageAttributes?.[name]?.StringValue ?? '';
      return {
        body: m.Body ?? '',
        reason: attr(DLQ_ATTRIBUTE.reason),
        code: attr(DLQ_ATTRIBUTE.code),
        taskId: attr(DLQ_ATTRIBUTE.taskId),
        message: attr(DLQ_ATTRIBUTE.message),
      };
    });
  }

  stop(): Promise<void> {
    return this.pipeline.stop();
  }
}

/** Strings and bytes go out as they are; anything else as JSON. */
function raw(body: unknown): string | Uint8Array {
  return typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
}
