import dynalite from 'dynalite';
import { buildApp } from 'fauxqs';
import {
  type Backend,
  closeServer,
  createClients,
  listenOnLoopback,
  TEST_CREDENTIALS,
  TEST_REGION,
} from './backend.js';

/**
 * Starts fauxqs (SQS) and dynalite (DynamoDB, in memory) in this process, each on a random
 * loopback port.
 *
 * fauxqs builds queue URLs as `http://sqs.<region>.<host>:<port>/000000000000/<name>`. The
 * default host `localhost` gives a well-formed URL; `host: '127.0.0.1'` would give
 * `sqs.us-east-1.127.0.0.1`, which WHATWG `new URL()` rejects. Neither host is dialled: the
 * SDK clients carry an explicit endpoint, and fauxqs looks queues up by the URL string.
 */
export async function startEmulators(): Promise<Backend> {
  const sqsApp = buildApp({ logger: false, host: 'localhost', defaultRegion: TEST_REGION });
  const sqsEndpoint = await sqsApp.listen({ port: 0, host: '127.0.0.1' });

  const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  let dynamodbEndpoint: string;
  try {
    dynamodbEndpoint = await listenOnLoopback(dynamo);
  } catch (error) {
    await sqsApp.close();
    throw error;
  }

  const { sqs, dynamodb } = createClients(sqsEndpoint, dynamodbEndpoint);
  return {
    name: 'emulators',
    region: TEST_REGION,
    sqsEndpoint,
    dynamodbEndpoint,
    credentials: { ...TEST_CREDENTIALS },
    sqs,
    dynamodb,
    async stop() {
      sqs.destroy();
      dynamodb.destroy();
      await Promise.all([sqsApp.close(), closeServer(dynamo)]);
    },
  };
}
