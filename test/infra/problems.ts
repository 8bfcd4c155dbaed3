import { expect } from 'vitest';
import { type PipelineDefinitionInput, parsePipelineDefinition } from '../../definition/index.js';
import { ConfigError } from '../../functions/core/errors.js';
import { testRegistry } from './fixtures.js';

/** The problems of an invalid definition; fails the test if it parses. */
export function problemsOf(input: unknown): string[] {
  try {
    parsePipelineDefinition(input, testRegistry);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error(`expected the definition to be rejected: ${JSON.stringify(input)}`);
}

export const queues = (...overrides: PipelineDefinitionInput['queues'] & object) => ({
  queues: overrides,
});
