import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { buildApp } from 'fauxqs';
import { portError } from './PortInUseError.js';
import type { EmulatorStorage } from './persistence/LocalPersistence.js';

export interface LocalEmulators {
  sqsEndpoint: string;
  dynamodbEndpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts fauxqs (SQS) and dynalite (DynamoDB) on loopback only, in memory or, with
 * `storage`, kept in a data dir. fauxqs's own start function listens on every interface,
 * so its app is built and bound here instead.
 */
export async function startLocalEmulators(
  ports: { sqs: number; dynamodb: number },
  storage?: EmulatorStorage,
): Promise<LocalEmulators> {
  // Queue URLs look like http://sqs.us-east-1.localhost:PORT/000000000000/NAME. fauxqs finds a
  // queue by that exact string; clients reach it through the endpoint, never the URL's host.
  const sqsApp = buildApp({
    logger: false,
    host: 'localhost',
    ...(storage ? { stores: storage.sqsStores } : {}),
  });
  if (storage)
    sqsApp.addHook('onSend', async (_request, _reply, payload) => {
      storage.beforeSqsResponse();
      return payload;
    });
  let sqsEndpoint: string;
  try {
    sqsEndpoint = await sqsApp.listen({ port: ports.sqs, host: '127.0.0.1' });
  } catch (error) {
    await sqsApp.close();
    throw portError(error, 'SQS emulator', ports.sqs, 'TASKPIPE_SQS_PORT');
  }
  const dynamo = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(storage ? { path: storage.dynamodbPath } : {}),
  });
  try {
    await new Promise<void>((resolve, reject) => {
      dynamo.once('error', reject);
      dynamo.listen(ports.dynamodb, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    await sqsApp.close();
    throw portError(error, 'DynamoDB emulator', ports.dynamodb, 'TASKPIPE_DYNAMODB_PORT');
  }
  const { port } = dynamo.address() as AddressInfo;
  return {
    sqsEndpoint,
    dynamodbEndpoint: `http://127.0.0.1:${port}`,
    async stop() {
      dynamo.closeAllConnections();
      await Promise.all([
        sqsApp.close(),
        new Promise<void>((resolve) => dynamo.close(() => resolve())),
      ]);
    },
  };
}
