import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { parsePipelineDefinition } from '../../definition/index.js';
import { ConfigError } from '../../functions/core/errors.js';
import {
  buildTaskpipeApp,
  PipelineStorage,
  STATEFUL_STACK_ID,
  STATELESS_STACK_ID,
  TaskPipeline,
} from '../../infra/index.js';
import { STUB_ENTRY, testApp, testDefinition, testRegistry } from './fixtures.js';

function pipelineIn(stack: Stack, definition: object, storage?: PipelineStorage) {
  return new TaskPipeline(stack, 'Pipeline', {
    definition,
    registry: testRegistry,
    storage,
    consumerEntry: STUB_ENTRY,
  });
}

describe('TaskPipeline in one stack', () => {
  let pipeline: TaskPipeline;
  let template: Template;

  beforeAll(() => {
    const stack = new Stack(testApp(), 'Single');
    pipeline = pipelineIn(stack, testDefinition);
    template = Template.fromStack(stack);
  });

  it('creates its storage inside and exposes what it made', () => {
    expect(pipeline.storage.node.path).toBe('Single/Pipeline/Storage');
    expect(pipeline.storage.queues.map((q) => q.queue.node.path)).toEqual([
      'Single/Pipeline/Storage/HighQueue/Queue',
      'Single/Pipeline/Storage/DefaultQueue/Queue',
      'Single/Pipeline/Storage/LowQueue/Queue',
    ]);
    expect(pipeline.consumer.function.node.path).toBe('Single/Pipeline/Consumer/Function');
    expect(pipeline.api.function.node.path).toBe('Single/Pipeline/Api/Function');
    expect(pipeline.api.httpApi.node.path).toBe('Single/Pipeline/Api/HttpApi');
    expect(pipeline.schedules.schedules.map((s) => s.node.id)).toEqual([
      'nightly-report',
      'digest',
    ]);
    expect(pipeline.config.queues[0]?.maxReceiveCount).toBe(14);
  });

  it('wires everything inside the stack, without cross-stack references', () => {
    template.resourceCountIs('AWS::SQS::Queue', 7);
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 3);
    template.resourceCountIs('AWS::Scheduler::Schedule', 2);
    expect(JSON.stringify(template.toJSON())).not.toContain('Fn::GetStackOutput');
  });
});

describe('TaskPipeline props', () => {
  it('reject an invalid definition with one error listing every problem', () => {
    const stack = new Stack(testApp(), 'Invalid');
    const bad = { queues: [{ priority: 'default', maxConcurrency: 1, colour: 'red' }] };
    expect(() => pipelineIn(stack, bad)).toThrow(ConfigError);
    expect(() => pipelineIn(new Stack(testApp(), 'Again'), bad)).toThrow(
      /queues\[0\]\.maxConcurrency: .*\(got 1\)\n {2}- queues\[0\]: unknown setting colour: "red"/,
    );
  });

  it('reject storage that does not hold the definition’s queues', () => {
    const app = testApp();
    const storage = new PipelineStorage(new Stack(app, 'Data'), 'Storage', {
      config: parsePipelineDefinition(
        {
          queues: [
            { priority: 'high', maxConcurrency: 5 },
            { priority: 'bulk', maxConcurrency: 2 },
          ],
          defaultPriority: 'high',
        },
        testRegistry,
      ),
    });
    let error: unknown;
    try {
      pipelineIn(new Stack(app, 'Code'), {}, storage);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'queue "default" is missing from the storage',
      'queue "low" is missing from the storage',
      'storage queue "bulk" is not in the definition',
    ]);
  });
});

describe('FIFO queues', () => {
  let template: Template;

  beforeAll(() => {
    const stack = new Stack(testApp(), 'Fifo');
    pipelineIn(stack, {
      defaultPriority: 'ordered',
      queues: [{ priority: 'ordered', maxConcurrency: 5, batchSize: 10, fifo: true }],
      schedules: [{ name: 'tick', expression: 'rate(5 minutes)', type: 'report.build' }],
    });
    template = Template.fromStack(stack);
  });

  it('are FIFO with content-based deduplication, and so are their DLQs', () => {
    const fifo = template.findResources('AWS::SQS::Queue', {
      Properties: { FifoQueue: true, ContentBasedDeduplication: true },
    });
    expect(Object.keys(fifo)).toHaveLength(2);
  });

  it('get scheduled messages in one group per schedule, with no batching window', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Target: { SqsParameters: { MessageGroupId: 'sched-tick' } },
    });
    const [mapping] = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
    expect(mapping?.Properties.MaximumBatchingWindowInSeconds).toBeUndefined();
  });
});

describe('synthesis-time checks', () => {
  const build = (definition: object) => () =>
    buildTaskpipeApp(testApp(), { definition, registry: testRegistry, consumerEntry: STUB_ENTRY });
  const one = (queue: object) => ({
    defaultPriority: 'high',
    queues: [{ priority: 'high', maxConcurrency: 10, ...queue }],
  });

  it.each([
    [
      'DLQ retention',
      one({ retentionDays: 7, deadLetterRetentionDays: 5 }),
      'queue "high": deadLetterRetentionDays 5 (432000 s) must be greater than retentionDays 7 (604800 s)',
    ],
    [
      'visibility timeout',
      one({ visibilityTimeoutSeconds: 120 }),
      'queue "high": visibilityTimeoutSeconds 120 must be ≥ 6 × consumer.timeoutSeconds 60 + batchingWindowSeconds 0 = 360',
    ],
    [
      'maxReceiveCount',
      one({ maxReceiveCount: 8 }),
      'queue "high": maxReceiveCount 8 must be ≥ max(5, largest task maxAttempts 8 + 1) = 9',
    ],
    [
      'reserved concurrency',
      { ...one({}), consumer: { reservedConcurrency: 9 } },
      "consumer.reservedConcurrency 9 must be ≥ the sum of the queues' maxConcurrency 10 = 10",
    ],
  ])('fail the synth on %s, naming the values', (_check, definition, message) => {
    expect(build(definition)).toThrow(message);
  });

  it('use stable stack ids', () => {
    const app = testApp();
    buildTaskpipeApp(app, {
      definition: testDefinition,
      registry: testRegistry,
      consumerEntry: STUB_ENTRY,
      nag: false,
    });
    expect(app.node.children.map((c) => c.node.id)).toEqual([
      STATEFUL_STACK_ID,
      STATELESS_STACK_ID,
    ]);
    expect([STATEFUL_STACK_ID, STATELESS_STACK_ID]).toEqual([
      'TaskpipeStateful',
      'TaskpipeStateless',
    ]);
  });
});
