import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';

/** A running pair of SQS and DynamoDB endpoints, with SDK clients pointed at them. */
export interface Backend {
  name: 'emulators' | 'moto';
  region: string;
  sqsEndpoint: string;
  dynamodbEndpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  sqs: SQSClient;
  dynamodb: DynamoDBClient;
  stop(): Promise<void>;
}

export const TEST_REGION = 'us-east-1';
// Emulators accept any static keys; fixed ones keep the SDK away from the real credential chain.
export const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

/** Builds SDK clients with an explicit endpoint, so queue URLs' hosts are never dialled. */
export function createClients(
  sqsEndpoint: string,
  dynamodbEndpoint: string,
): { sqs: SQSClient; dynamodb: DynamoDBClient } {
  const common = { region: TEST_REGION, credentials: { ...TEST_CREDENTIALS } };
  return {
    sqs: new SQSClient({ ...common, endpoint: sqsEndpoint }),
    dynamodb: new DynamoDBClient({ ...common, endpoint: dynamodbEndpoint }),
  };
}

/** Listens on a random loopback port and returns the base URL. */
export function listenOnLoopback(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      resolve(`http://127.0.0.1:${port}`);
    });
  });
}

/** Closes a server, dropping idle keep-alive sockets first so close() does not hang. */
export function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
  });
}
