import { DeleteMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

/** What settling a batch did: messages deleted, and messages left to come back. */
export interface Settled {
  deleted: number;
  returned: number;
}

/** Some processed messages could not be deleted; `settled` counts what was. */
export class SettleError extends Error {
  constructor(
    readonly settled: Settled,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'SettleError';
  }
}

/**
 * Does what the event source mapping does after an invocation: deletes every record not
 * listed in `batchItemFailures`. A thrown handler (`response` undefined) deletes nothing,
 * so the whole batch comes back after its visibility timeout. Every chunk is tried; a
 * {@link SettleError} then reports the ones that failed and how many were deleted.
 */
export async function settleBatch(
  sqs: SQSClient,
  queueUrl: string,
  event: SQSEvent,
  response: SQSBatchResponse | undefined,
): Promise<Settled> {
  if (!response) return { deleted: 0, returned: event.Records.length };
  const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
  const done = event.Records.filter((r) => !failed.has(r.messageId));
  let deleted = 0;
  const problems: string[] = [];
  let cause: unknown;
  for (let i = 0; i < done.length; i += 10) {
    const chunk = done.slice(i, i + 10);
    try {
      const out = await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((r, j) => ({ Id: String(j), ReceiptHandle: r.receiptHandle })),
        }),
      );
      // Stryker disable next-line ArrayDeclaration: SQS always lists Failed, empty when none
      const refused = out.Failed ?? [];
      deleted += chunk.length - refused.length;
      // Stryker disable next-line StringLiteral: SQS always gives a failed entry's Code
      const codes = refused.map((f) => f.Code ?? 'error');
      problems.push(...refused.map((f, k) => `${codes[k]}: ${f.Message ?? 'no message'}`));
    } catch (error) {
      cause = error;
      problems.push(`${chunk.length} not sent: ${(error as Error).message}`);
    }
  }
  const settled = { deleted, returned: event.Records.length - deleted };
  if (problems.length === 0) return settled;
  throw new SettleError(
    settled,
    `could not delete ${done.length - deleted} of ${done.length} processed messages from ${queueUrl}: ${problems.join('; ')}`,
    { cause },
  );
}
