import { describe, expect, it } from 'vitest';
import type { PipelineDefinitionInput } from '../../definition/index.js';
import { ConfigError } from '../../functions/core/errors.js';
import { consumerEnvironment } from '../../infra/constructs/consumerEnvironment.js';
import {
  environmentBytes,
  LAMBDA_ENVIRONMENT_LIMIT_BYTES,
} from '../../infra/constructs/environmentSize.js';
import { synthTaskpipe, testDefinition } from './fixtures.js';

const withQueues = (count: number): PipelineDefinitionInput => ({
  ...testDefinition,
  consumer: { ...testDefinition.consumer, reservedConcurrency: undefined },
  queues: Array.from({ length: count }, (_, i) => ({
    priority: i === 0 ? 'default' : `p${i}`,
    maxConcurrency: 2,
  })),
  schedules: [],
});

// Lambda refuses an environment over 4 KB at deploy; synth must refuse it first.
describe("functions' environment size", () => {
  it('stays under 4 KB with the default queues, names at their longest', () => {
    const { stateful, stateless } = synthTaskpipe();
    const env = consumerEnvironment(
      stateless,
      stateless.pipeline.config,
      stateful.storage,
      'longest',
    );

    const bytes = environmentBytes(env);

    expect(bytes).toBeLessThan(LAMBDA_ENVIRONMENT_LIMIT_BYTES);
    // Three queues at their longest: every name and URL is in the count.
    expect(bytes).toBeGreaterThan(3 * (3 * 80 + 2 * 60));
  });

  it('takes 10 queues, and refuses 11 at synth, naming the size and the limit', () => {
    expect(() => synthTaskpipe({ definition: withQueues(10) })).not.toThrow();
    let error: unknown;
    try {
      synthTaskpipe({ definition: withQueues(11) });
    } catch (e) {
      error = e;
    }

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems[0]).toMatch(
      /^the consumer function's environment can reach \d+ bytes with 11 queues .* over Lambda's limit of 4096 bytes/,
    );
  });
});
