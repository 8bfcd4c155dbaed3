import type {
  SendMessageBatchCommandInput,
  SendMessageBatchRequestEntry,
  SQSClient,
} from '@aws-sdk/client-sqs';

/**
 * Makes SendMessageBatch fail the entries `withhold` picks the way SQS does in a 200
 * answer: the entry never reaches the queue and is listed in `Failed`, so only the
 * sender's retry can deliver it. Used by the chaos run and by tests of the batch sender.
 */
export function withholdBatchEntries(
  client: SQSClient,
  name: string,
  withhold: (entry: SendMessageBatchRequestEntry) => boolean,
  message = 'entry not accepted',
): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'SendMessageBatchCommand') return next(args);
      const input = args.input as SendMessageBatchCommandInput & {
        Entries: SendMessageBatchRequestEntry[];
      };
      const withheld = input.Entries.filter(withhold);
      const kept = input.Entries.filter((entry) => !withheld.includes(entry));
      const failed = withheld.map((entry) => ({
        Id: entry.Id,
        Code: 'InternalError',
        Message: message,
        SenderFault: false,
      }));
      if (kept.length === 0) {
        return { output: { $metadata: {}, Successful: [], Failed: failed }, response: {} };
      }
      const result = await next({ ...args, input: { ...input, Entries: kept } });
      const output = result.output as { Failed?: unknown[] };
      output.Failed = [...(output.Failed ?? []), ...failed];
      return result;
    },
    { step: 'initialize', name },
  );
}
