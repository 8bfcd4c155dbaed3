import { DeleteMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

/**
 * Does what the event source mapping does after an invocation: deletes every record not
 * listed in `batchItemFailures`. A thrown handler (`response` undefined) deletes nothing,
 * so the whole batch comes back after its visibility timeout.
 */
export async function settleBatch(
  sqs: SQSClient,
  queueUrl: string,
  event: SQSEvent,
  response: SQSBatchResponse | undefined,
): Promise<{ deleted: number; returned: number }> {
  if (!response) return { deleted: 0, returned: event.Records.length };
  const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
  const done = event.Records.filter((r) => !failed.has(r.messageId));
  for (let i = 0; i < done.length; i += 10) {
    const chunk = done.slice(i, i + 10);
    const out = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((r, j) => ({ Id: String(j), ReceiptHandle: r.receiptHandle })),
      }),
    );
    if (out.Failed?.length) {
      throw new Error(
        `could not delete ${out.Failed.length} processed messages from ${queueUrl}: ${out.Failed.map((f) => f.Message).join('; ')}`,
      );
    }
  }
  return { deleted: done.length, returned: event.Records.length - done.length };
}
