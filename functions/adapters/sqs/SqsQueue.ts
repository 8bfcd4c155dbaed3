import {
  ChangeMessageVisibilityCommand,
  type MessageAttributeValue,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { MessageAttributes, QueuePort } from '../../core/ports.js';

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
