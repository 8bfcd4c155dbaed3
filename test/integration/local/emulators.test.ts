import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { Worker } from 'node:worker_threads';
import { CreateTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClients } from '../../../local/clients.js';
import { type LocalEmulators, startLocalEmulators } from '../../../local/emulators.js';
import { PortInUseError } from '../../../local/PortInUseError.js';
import { useBusyPort } from '../../helpers/busyPort.js';

/** Resolves with the connect error code, or 'connected'. */
function dial(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

const portOf = (endpoint: string) => Number(new URL(endpoint).port);

/** A non-loopback IPv4 address of this machine, when it has one. */
const externalAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

// The local runtime's own emulators (fauxqs, dynalite) are under test here, not an AWS
// contract, so this suite has no moto run.
describe('local emulators', () => {
  let emulators: LocalEmulators;

  beforeAll(async () => {
    emulators = await startLocalEmulators({ sqs: 0, dynamodb: 0 });
  });
  afterAll(async () => emulators?.stop());

  it('listens on loopback, on the random ports it reports', async () => {
    expect(emulators.sqsEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulators.dynamodbEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(portOf(emulators.sqsEndpoint)).toBeGreaterThan(0);
    expect(portOf(emulators.dynamodbEndpoint)).toBeGreaterThan(0);
    if (externalAddress) {
      expect(await dial(externalAddress, portOf(emulators.sqsEndpoint))).toBe('ECONNREFUSED');
      expect(await dial(externalAddress, portOf(emulators.dynamodbEndpoint))).toBe('ECONNREFUSED');
    }
  });

  it('serves SQS and DynamoDB calls from the AWS SDK', async () => {
    const { sqs, dynamodb } = localClients({
      sqs: emulators.sqsEndpoint,
      dynamodb: emulators.dynamodbEndpoint,
    });
    try {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'emulators-q' }));
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'hello' }));
      const received = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1, MaxNumberOfMessages: 1 }),
      );
      expect(received.Messages?.map((m) => m.Body)).toEqual(['hello']);

      await dynamodb.send(
        new CreateTableCommand({
          TableName: 'emulators-t',
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        }),
      );
      await dynamodb.send(
        new PutItemCommand({
          TableName: 'emulators-t',
          Item: { pk: { S: 'a' }, n: { N: '1' } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      const { Item } = await dynamodb.send(
        new GetItemCommand({ TableName: 'emulators-t', Key: { pk: { S: 'a' } } }),
      );
      expect(Item).toEqual({ pk: { S: 'a' }, n: { N: '1' } });
    } finally {
      sqs.destroy();
      dynamodb.destroy();
    }
  });
});

describe('local emulators on a busy port', () => {
  const busyPort = useBusyPort();

  it.each([
    ['sqs', 'SQS emulator', 'TASKPIPE_SQS_PORT'],
    ['dynamodb', 'DynamoDB emulator', 'TASKPIPE_DYNAMODB_PORT'],
  ] as const)('names the busy %s port in one line', async (which, what, envVar) => {
    const ports = { sqs: 0, dynamodb: 0, [which]: busyPort() };
    const error = await startLocalEmulators(ports).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortInUseError);
    expect((error as Error).message).toBe(
      `port ${busyPort()} (${what}) is already in use on 127.0.0.1; stop whatever holds it or choose another port: ${envVar}=<port> npm start`,
    );
  });
});

describe('the DynamoDB emulator thread', () => {
  it('answers while the main thread is blocked, so its work can use another core', async () => {
    const emulators = await startLocalEmulators({ sqs: 0, dynamodb: 0 });
    const answered = new Int32Array(new SharedArrayBuffer(4));
    const probe = new Worker(
      `const { workerData } = require('node:worker_threads');
      const done = (v) => { Atomics.store(workerData.answered, 0, v); Atomics.notify(workerData.answered, 0); };
      require('node:http').get(workerData.url, (res) => { res.resume(); done(1); }).on('error', () => done(2));`,
      { eval: true, workerData: { answered, url: emulators.dynamodbEndpoint } },
    );
    try {
      // This thread waits, blocked, for the probe's answer: only a server on another thread
      // can give it. The bound only ends the wait if none comes.
      Atomics.wait(answered, 0, 0, 10_000);
      expect(Atomics.load(answered, 0)).toBe(1);
    } finally {
      await probe.terminate();
      await emulators.stop();
    }
  });
});

describe('stopping the local emulators', () => {
  it('closes both listeners, however often it is asked', async () => {
    const emulators = await startLocalEmulators({ sqs: 0, dynamodb: 0 });
    await Promise.all([emulators.stop(), emulators.stop()]);
    await emulators.stop();
    expect(await dial('127.0.0.1', portOf(emulators.sqsEndpoint))).toBe('ECONNREFUSED');
    expect(await dial('127.0.0.1', portOf(emulators.dynamodbEndpoint))).toBe('ECONNREFUSED');
  });
});
