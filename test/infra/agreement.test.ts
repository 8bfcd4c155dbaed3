import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type PipelineDefinitionInput,
  parsePipelineDefinition,
  pipelineDefinition,
} from '../../definition/index.js';
import type { TaskRegistry } from '../../functions/core/registry.js';
import { registry as appRegistry } from '../../functions/tasks/index.js';
import type { PollerOptions } from '../../local/esm/EventSourcePoller.js';
import { LocalPipeline } from '../../local/LocalPipeline.js';
import {
  deadLetterQueueAttributes,
  localQueueNames,
  sourceQueueAttributes,
} from '../../local/queueAttributes.js';
import { STUB_ENTRY, synthTaskpipe, testRegistry } from './fixtures.js';
import { deployedQueues, drift, type QueueAgreement, readable } from './queueAgreement.js';

/**
 * DESIGN §2: one definition, two targets that agree. The local side is what
 * LocalPipeline.start sends to CreateQueue and hands its pollers, captured with the
 * emulators, SDK clients and pollers replaced (nothing listens but the local API on an
 * ephemeral loopback port); the AWS side is the synthesized template.
 */
const seen = vi.hoisted(() => ({
  createQueue: [] as { name: string; attributes: Record<string, string> }[],
  pollers: [] as PollerOptions[],
}));

vi.mock('../../local/emulators.js', () => ({
  startLocalEmulators: async () => ({
    sqsEndpoint: 'http://127.0.0.1:9',
    dynamodbEndpoint: 'http://127.0.0.1:9',
    stop: async () => {},
  }),
}));

vi.mock('../../local/esm/EventSourcePoller.js', () => ({
  EventSourcePoller: class {
    constructor(options: PollerOptions) {
      seen.pollers.push(options);
    }
    start() {}
    async stop() {}
  },
}));

vi.mock('../../local/clients.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../local/clients.js')>();
  const sqsSdk = await import('@aws-sdk/client-sqs');
  const dynamoSdk = await import('@aws-sdk/client-dynamodb');
  const sqs = {
    async send(command: unknown) {
      if (command instanceof sqsSdk.CreateQueueCommand) {
        const { QueueName = '', Attributes = {} } = command.input;
        seen.createQueue.push({ name: QueueName, attributes: Attributes });
        return { QueueUrl: `http://127.0.0.1:9/000000000000/${QueueName}` };
      }
      if (command instanceof sqsSdk.GetQueueAttributesCommand) {
        const name = command.input.QueueUrl?.split('/').at(-1);
        return { Attributes: { QueueArn: `arn:aws:sqs:us-east-1:000000000000:${name}` } };
      }
      throw new Error(`unexpected SQS call ${(command as object).constructor.name}`);
    },
    destroy() {},
  };
  const dynamodb = {
    async send(command: unknown) {
      if (command instanceof dynamoSdk.DescribeTableCommand) {
        return { Table: { TableStatus: 'ACTIVE', GlobalSecondaryIndexes: [] } };
      }
      return {};
    },
    destroy() {},
  };
  return { ...original, localClients: () => ({ sqs, dynamodb }) };
});

const arnOf = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;
const dlqOf = (priority: string) => `the "${priority}" DLQ`;

/** What the local runtime creates and polls with, per priority. */
async function localQueues(definition: PipelineDefinitionInput, registry: TaskRegistry) {
  seen.createQueue.length = 0;
  seen.pollers.length = 0;
  const config = parsePipelineDefinition(definition, registry);
  const pipeline = await LocalPipeline.start({
    ports: { api: 0, sqs: 0, dynamodb: 0 },
    definition,
    registry,
  });
  await pipeline.stop();
  const names = config.queues.map((q) => ({ q, ...localQueueNames(config.name, q) }));
  const dlqNames = new Map(names.map(({ q, dlqName }) => [arnOf(dlqName), dlqOf(q.priority)]));
  const sent = (name: string) => seen.createQueue.find((c) => c.name === name)?.attributes ?? {};

  const result: Record<string, QueueAgreement> = {};
  for (const [i, { q, name, dlqName }] of names.entries()) {
    // local/ sends exactly what its attribute builders make of the resolved definition.
    expect(sent(name)).toEqual(sourceQueueAttributes(q, arnOf(dlqName)));
    expect(sent(dlqName)).toEqual(deadLetterQueueAttributes(q));
    const poller = seen.pollers[i]!;
    expect(poller.queue.name).toBe(name);
    result[q.priority] = {
      queue: readable(sent(name), dlqNames),
      deadLetterQueue: readable(sent(dlqName), dlqNames),
      consumer: {
        batchSize: poller.batchSize,
        batchingWindowSeconds: poller.batchingWindowSeconds,
        maxConcurrency: poller.maxConcurrency,
        functionTimeoutSeconds: poller.functionTimeoutMs / 1000,
      },
    };
  }
  return result;
}

function awsQueues(definition: PipelineDefinitionInput, registry: TaskRegistry) {
  const synth = synthTaskpipe({ definition, registry, consumerEntry: STUB_ENTRY });
  return deployedQueues(synth, dlqOf);
}

afterEach(() => vi.clearAllMocks());

describe('the local runtime and the CDK app agree', () => {
  it('for the project definition', async () => {
    const local = await localQueues(pipelineDefinition, appRegistry);
    const aws = awsQueues(pipelineDefinition, appRegistry);
    expect(Object.keys(local)).toEqual(['high', 'default', 'low']);
    expect(local.low?.consumer).toMatchObject({ batchingWindowSeconds: 1 });
    expect(drift(local, aws)).toEqual([]);
  });

  it('for a FIFO priority with other retention, redrive, batch and timeout values', async () => {
    const definition = {
      name: 'orders',
      defaultPriority: 'ordered',
      queues: [
        {
          priority: 'ordered',
          maxConcurrency: 8,
          batchSize: 5,
          fifo: true,
          retentionDays: 2,
          deadLetterRetentionDays: 10,
          maxReceiveCount: 12,
        },
        {
          priority: 'bulk',
          maxConcurrency: 4,
          batchSize: 100,
          batchingWindowSeconds: 5,
          retentionDays: 7,
          visibilityTimeoutSeconds: 900,
        },
      ],
      consumer: { timeoutSeconds: 120, reservedConcurrency: 12 },
    } satisfies PipelineDefinitionInput;
    const local = await localQueues(definition, testRegistry);
    const aws = awsQueues(definition, testRegistry);
    expect(aws.ordered?.queue).toMatchObject({ FifoQueue: 'true', VisibilityTimeout: '720' });
    expect(aws.bulk?.consumer).toEqual({
      batchSize: 100,
      batchingWindowSeconds: 5,
      maxConcurrency: 4,
      functionTimeoutSeconds: 120,
    });
    expect(drift(local, aws)).toEqual([]);
  });
});
