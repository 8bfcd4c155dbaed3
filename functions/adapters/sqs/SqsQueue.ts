import {
  ChangeMessageVisibilityCommand,
  type MessageAttributeValue,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type {
  MessageAttributes,
  OutgoingMessage,
  QueuePort,
  SendBatchEntryResult,
} from '../../core/ports.js';

/** The consumer's queue operations over the AWS SDK. */
export class SqsQueue implements QueuePort {
  constructor(private readonly client: SQSClient) {}

  async changeVisibility(queueUrl: string, receiptHandle: string, seconds: number): Promise<void> {
    await this.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: seconds,
      }),
    );
  }

  async send(
    queueUrl: string,
    body: string,
    options: {
      delaySeconds?: number;
      attributes?: MessageAttributes;
      groupId?: string;
      deduplicationId?: string;
    } = {},
  ): Promise<{ messageId: string }> {
    const out = await this.client.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: body,
        DelaySeconds: options.delaySeconds,
        MessageGroupId: options.groupId,
        MessageDeduplicationId: options.deduplicationId,
        MessageAttributes: options.attributes ? toSqsAttributes(options.attributes) : undefined,
      }),
    );
    return { messageId: out.MessageId ?? '' };
  }

  async sendBatch(
    queueUrl: string,
    entries: readonly OutgoingMessage[],
  ): Promise<SendBatchEntryResult[]> {
    const out = await this.client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: entries.map((entry) => ({
          Id: entry.id,
          MessageBody: entry.body,
          DelaySeconds: entry.delaySeconds,
          MessageGroupId: entry.groupId,
          MessageDeduplicationId: entry.deduplicationId,
          MessageAttributes: entry.attributes ? toSqsAttributes(entry.attributes) : undefined,
        })),
      }),
    );
    // Stryker disable next-line ArrayDeclaration: a made-up element has no Id, and every entry has one
    const successful = out.Successful ?? [];
    // Stryker disable next-line ArrayDeclaration: a made-up element has no Id, and every entry has one
    const refused = out.Failed ?? [];
    const sent = new Map(successful.map((s) => [s.Id, s.MessageId ?? '']));
    const failed = new Map(refused.map((f) => [f.Id, f]));
    return entries.map((entry): SendBatchEntryResult => {
      const messageId = sent.get(entry.id);
      if (messageId !== undefined) return { id: entry.id, ok: true, messageId };
      const failure = failed.get(entry.id);
      // An entry in neither list was not confirmed: treat it as failed, never as sent.
      return {
        id: entry.id,
        ok: false,
        code: failure?.Code ?? 'NotConfirmed',
        message: failure?.Message ?? 'the response listed the entry neither as sent nor failed',
        senderFault: failure?.SenderFault ?? false,
      };
    });
  }
}

export function toSqsAttributes(
  attributes: MessageAttributes,
): Record<string, MessageAttributeValue> {
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [
      name,
      { DataType: 'String', StringValue: value },
    ]),
  );
}
