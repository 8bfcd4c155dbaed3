import { describe, expect, it } from 'vitest';
import { SOURCE_MAPS_NODE_OPTIONS } from '../../infra/constructs/consumerEnvironment.js';
import { synthTaskpipe, testDefinition } from './fixtures.js';

// biome-ignore lint/suspicious/noExplicitAny: synthesized templates are untyped JSON
type Json = Record<string, any>;

const withWebhook = {
  ...testDefinition,
  webhooks: [{ name: 'ops', kind: 'slack', secretName: 'taskpipe/webhooks/ops' }],
} as const;

function nodeOptionsOfEveryFunction(definition: Json): unknown[] {
  const template = synthTaskpipe({ definition } as never).statelessTemplate;
  const functions = Object.values(template.findResources('AWS::Lambda::Function')) as Json[];
  expect(functions).toHaveLength(3); // consumer, api, notifier
  return functions.map((f) => f.Properties.Environment.Variables.NODE_OPTIONS);
}

describe('source maps', () => {
  it('are not loaded at start-up unless the definition asks', () => {
    expect(nodeOptionsOfEveryFunction(withWebhook)).toEqual([undefined, undefined, undefined]);
  });

  it('are loaded by every function with sourceMaps: true', () => {
    expect(nodeOptionsOfEveryFunction({ ...withWebhook, sourceMaps: true })).toEqual(
      Array(3).fill(SOURCE_MAPS_NODE_OPTIONS),
    );
  });
});
