import { SQSClient } from '@aws-sdk/client-sqs';
import { withholdBatchEntries } from '../../chaos/withholdBatchEntries.js';
import type { Backend } from './backend.js';
import { TEST_CREDENTIALS } from './backend.js';

export interface BatchFaults {
  client: SQSClient;
  /** Entries per SendMessageBatch call, in call order (as the caller sent them). */
  calls: number[];
  /** How many times each victim (by task id) was reported failed. */
  failures: Map<string, number>;
}

/** A message as the fault picker sees it: its envelope's id and payload. */
export interface SentEnvelope {
  id: string;
  // biome-ignore lint/suspicious/noExplicitAny: test payloads are read freely
  payload: any;
}

/**
 * A real SQS client for the backend whose SendMessageBatch fails chosen entries, the way
 * SQS does in a 200 answer: the entry is withheld from the request (so the queue never
 * gets it) and listed in `Failed`. `failTimes` says how many calls each entry fails in
 * (0: never, Infinity: always).
 */
export function batchFaultClient(
  backend: Backend,
  failTimes: (envelope: SentEnvelope) => number,
): BatchFaults {
  const calls: number[] = [];
  const failures = new Map<string, number>();
  const client = new SQSClient({
    region: backend.region,
    endpoint: backend.sqsEndpoint,
    credentials: { ...TEST_CREDENTIALS },
  });
  withholdBatchEntries(
    client,
    'failBatchEntries',
    (entry) => {
      const envelope = JSON.parse(entry.MessageBody ?? '{}') as SentEnvelope;
      const id = envelope.id;
      if ((failures.get(id) ?? 0) >= failTimes(envelope)) return false;
      failures.set(id, (failures.get(id) ?? 0) + 1);
      return true;
    },
    'injected failure',
  );
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'SendMessageBatchCommand') {
        calls.push((args.input as { Entries: unknown[] }).Entries.length);
      }
      return next(args);
    },
    { step: 'initialize', name: 'countBatchEntries', priority: 'high' },
  );
  return { client, calls, failures };
}

/** A real SQS client for the backend whose SendMessage calls fail as a 500 would. */
export function failingSendClient(backend: Backend): { client: SQSClient; attempts: number[] } {
  const attempts: number[] = [];
  const client = new SQSClient({
    region: backend.region,
    endpoint: backend.sqsEndpoint,
    credentials: { ...TEST_CREDENTIALS },
    maxAttempts: 1,
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'SendMessageCommand') return next(args);
      attempts.push(Date.now());
      throw Object.assign(new Error('We encountered an internal error. Please try again.'), {
        name: 'InternalError',
        $fault: 'server',
        $metadata: { httpStatusCode: 500 },
      });
    },
    { step: 'initialize', name: 'failSendMessage' },
  );
  return { client, attempts };
}
