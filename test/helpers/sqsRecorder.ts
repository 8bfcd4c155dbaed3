import { SQSClient } from '@aws-sdk/client-sqs';
import type { Backend } from './backend.js';
import { TEST_CREDENTIALS } from './backend.js';

export interface VisibilityChange {
  receiptHandle: string;
  seconds: number;
}

/**
 * A real SQS client for the backend that also notes every ChangeMessageVisibility it sends,
 * so a test can read the delay the consumer chose; the call still goes over the wire.
 */
export function recordingSqsClient(backend: Backend): {
  client: SQSClient;
  visibility: VisibilityChange[];
} {
  const visibility: VisibilityChange[] = [];
  const client = new SQSClient({
    region: backend.region,
    endpoint: backend.sqsEndpoint,
    credentials: { ...TEST_CREDENTIALS },
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'ChangeMessageVisibilityCommand') {
        const input = args.input as { ReceiptHandle: string; VisibilityTimeout: number };
        visibility.push({ receiptHandle: input.ReceiptHandle, seconds: input.VisibilityTimeout });
      }
      return next(args);
    },
    { step: 'initialize', name: 'recordVisibility' },
  );
  return { client, visibility };
}
