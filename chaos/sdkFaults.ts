import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { FaultLog } from './faults.js';
import { withholdBatchEntries } from './withholdBatchEntries.js';

/** The two ways a DynamoDB call fails that callers must survive: throttling and a 5xx. */
function dynamoFailure(throttle: boolean): Error {
  return throttle
    ? Object.assign(new Error('chaos: rate of requests exceeds the allowed throughput'), {
        name: 'ThrottlingException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      })
    : Object.assign(new Error('chaos: internal server error'), {
        name: 'InternalServerError',
        $fault: 'server',
        $metadata: { httpStatusCode: 500 },
      });
}

/**
 * Fails a share of the pipeline's DynamoDB calls. Injected in the initialize step, above
 * the SDK's retry middleware, so each one is a failure the SDK's own retries did not cure.
 */
export function injectDynamoFaults(
  client: DynamoDBClient,
  rate: number,
  random: () => number,
  faults: FaultLog,
): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const u = random();
      if (u >= rate) return next(args);
      const input = args.input as { Key?: { id?: { S?: string } }; Item?: { id?: { S?: string } } };
      faults.record('dynamodb', input.Key?.id?.S ?? input.Item?.id?.S);
      throw dynamoFailure(u < rate / 2);
    },
    { step: 'initialize', name: 'chaosDynamoFaults' },
  );
}

/**
 * Makes SendMessageBatch list a share of its entries as Failed in a 200 answer, as SQS may:
 * the entry is withheld from the queue, so only a retry by the sender can deliver it.
 */
export function injectBatchSendFaults(
  client: SQSClient,
  rate: number,
  random: () => number,
  faults: FaultLog,
): void {
  withholdBatchEntries(
    client,
    'chaosBatchSendFaults',
    (entry) => {
      if (random() >= rate) return false;
      faults.record('sqs-send', envelopeId(entry.MessageBody));
      return true;
    },
    'chaos: entry not accepted',
  );
}

function envelopeId(body: string | undefined): string | undefined {
  try {
    const id = (JSON.parse(body ?? '') as { id?: unknown }).id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
