import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { parsePipelineDefinition } from '../../definition/index.js';
import { TaskPipeline } from '../../infra/index.js';
import { STUB_ENTRY, testApp, testRegistry } from './fixtures.js';
import { problemsOf, queues } from './problems.js';

// Per queue, either a maxConcurrency cap or provisioned pollers: aws-cdk-lib refuses both.
const provisioned = {
  queues: [
    { priority: 'high', provisionedPollers: { min: 2, max: 4 } },
    { priority: 'default', maxConcurrency: 10 },
  ],
};

describe('provisioned pollers', () => {
  it('imply a cap of max × 10 concurrent batches, which the throttling rule counts', () => {
    const config = parsePipelineDefinition(provisioned, testRegistry);
    expect(config.queues.map((q) => q.maxConcurrency)).toEqual([40, 10]);
    expect(problemsOf({ ...provisioned, accountConcurrency: 50 })).toEqual([
      "the sum of the queues' caps (maxConcurrency, or provisionedPollers.max × 10) 40 + 10 = 50, plus 10 for the API (api.throttling.rateLimit 100 × 0.1 s) and 1 for the notifier, is 61: more than accountConcurrency 50, the account's Lambda concurrency quota. Throttled batches use up receive counts; lower the caps, or raise the quota (Service Quotas) and then accountConcurrency",
    ]);
    expect(problemsOf({ ...provisioned, consumer: { reservedConcurrency: 45 } })).toEqual([
      "consumer.reservedConcurrency 45 must be ≥ the sum of the queues' caps (maxConcurrency, or provisionedPollers.max × 10) 40 + 10 = 50, or throttled batches use up receive counts",
    ]);
  });

  it('refuses both or neither, and min above max', () => {
    expect(
      problemsOf(
        queues({ priority: 'default', maxConcurrency: 10, provisionedPollers: { min: 2, max: 3 } }),
      ).join('\n'),
    ).toMatch(/queue "default": give either maxConcurrency .* not both/);
    expect(problemsOf(queues({ priority: 'default' })).join('\n')).toMatch(/not neither/);
    expect(
      problemsOf(queues({ priority: 'default', provisionedPollers: { min: 5, max: 3 } })).join(
        '\n',
      ),
    ).toMatch(/min must be at most max/);
    expect(
      problemsOf(queues({ priority: 'default', provisionedPollers: { min: 2, max: 2001 } })).join(
        '\n',
      ),
    ).toMatch(/2000/);
  });

  it('synthesize ProvisionedPollerConfig without ScalingConfig, and the cap elsewhere', () => {
    const stack = new Stack(testApp(), 'Provisioned');
    new TaskPipeline(stack, 'Pipeline', {
      definition: provisioned,
      registry: testRegistry,
      consumerEntry: STUB_ENTRY,
    });
    const mappings = Object.values(
      Template.fromStack(stack).findResources('AWS::Lambda::EventSourceMapping'),
    ).map((m) => m.Properties);
    expect(mappings).toHaveLength(2);
    const withPollers = mappings.filter((p) => p.ProvisionedPollerConfig);
    expect(withPollers).toEqual([
      expect.objectContaining({
        ProvisionedPollerConfig: { MinimumPollers: 2, MaximumPollers: 4 },
      }),
    ]);
    expect(withPollers[0]).not.toHaveProperty('ScalingConfig');
    expect(mappings.filter((p) => p.ScalingConfig)).toEqual([
      expect.objectContaining({ ScalingConfig: { MaximumConcurrency: 10 } }),
    ]);
  });
});
