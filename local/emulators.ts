import { Worker } from 'node:worker_threads';
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
  let dynamo: DynamoDbThread;
  try {
    dynamo = await startDynamoDbThread(ports.dynamodb, storage?.dynamodbPath);
  } catch (error) {
    await sqsApp.close();
    throw portError(error, 'DynamoDB emulator', ports.dynamodb, 'TASKPIPE_DYNAMODB_PORT');
  }
  return {
    sqsEndpoint,
    dynamodbEndpoint: `http://127.0.0.1:${dynamo.port}`,
    async stop() {
      await Promise.all([sqsApp.close(), dynamo.stop()]);
    },
  };
}

interface DynamoDbThread {
  port: number;
  /** Closes the server and its LevelDB, then ends the thread. */
  stop(): Promise<void>;
}

/** Starts dynalite on a thread of its own (see dynamodbThread.mjs). */
function startDynamoDbThread(port: number, path: string | undefined): Promise<DynamoDbThread> {
  const worker = new Worker(new URL('./dynamodbThread.mjs', import.meta.url), {
    workerData: { port, ...(path ? { path } : {}) },
  });
  type Reply =
    | { kind: 'listening'; port: number }
    | { kind: 'error'; code?: string; message: string }
    | { kind: 'stopped' };
  const next = () =>
    new Promise<Reply>((resolve, reject) => {
      const onExit = (code: number) =>
        reject(new Error(`the DynamoDB emulator's thread exited with ${code}`));
      worker.once('error', reject);
      worker.once('exit', onExit);
      worker.once('message', (reply: Reply) => {
        worker.off('error', reject);
        worker.off('exit', onExit);
        resolve(reply);
      });
    });
  return next().then(async (reply) => {
    if (reply.kind !== 'listening') {
      await worker.terminate();
      throw Object.assign(new Error(reply.kind === 'error' ? reply.message : 'stopped'), {
        code: reply.kind === 'error' ? reply.code : undefined,
      });
    }
    let stopping: Promise<void> | undefined;
    return {
      port: reply.port,
      stop() {
        stopping ??= (async () => {
          const stopped = next();
          worker.postMessage('stop');
          await stopped;
          await worker.terminate();
        })();
        return stopping;
      },
    };
  });
}
