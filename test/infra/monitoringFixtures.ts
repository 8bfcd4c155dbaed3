import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { type PipelineDefinitionInput, parsePipelineDefinition } from '../../definition/index.js';
import { PipelineMonitoring, PipelineStorage, TaskConsumer } from '../../infra/index.js';
import { STUB_ENTRY, testApp, testDefinition, testRegistry } from './fixtures.js';

/** A stand-in HTTP API id, for the API alarm and graph without an API construct. */
export const DUMMY_HTTP_API_ID = 'a1b2c3d4e5';

/** The chat target whose secret is made elsewhere. */
export const opsWebhook = {
  name: 'ops',
  kind: 'slack',
  secretName: 'taskpipe/webhooks/ops',
} as const;

/** Two chat targets (one secret made elsewhere, one the stateful stack creates) and email. */
export const testWebhooks = [
  opsWebhook,
  {
    name: 'oncall',
    kind: 'feishu',
    secretName: 'taskpipe/webhooks/oncall',
    createSecret: true,
    alarms: ['deadLetterQueueNotEmpty'],
  },
  {
    name: 'mail',
    kind: 'email',
    addresses: ['oncall@example.com', 'Lead <lead@example.com>'],
    from: 'Alarms <alarms@example.com>',
  },
] satisfies PipelineDefinitionInput['webhooks'];

export const definitionWithWebhooks = {
  ...testDefinition,
  webhooks: testWebhooks,
} satisfies PipelineDefinitionInput;

export interface MonitoringOptions {
  httpApiId?: string;
  /** @default the test registry's types */
  taskTypes?: readonly string[];
}

/** Storage, consumer and monitoring in one stack, synthesized once. */
export function monitoringStack(
  definition: PipelineDefinitionInput = definitionWithWebhooks,
  options: MonitoringOptions = {},
) {
  const stack = new Stack(testApp(), 'Monitored');
  const config = parsePipelineDefinition(definition, testRegistry);
  const storage = new PipelineStorage(stack, 'Storage', { config });
  const consumer = new TaskConsumer(stack, 'Consumer', { config, storage, entry: STUB_ENTRY });
  const monitoring = new PipelineMonitoring(stack, 'Monitoring', {
    config,
    storage,
    consumer: consumer.function,
    taskTypes: options.taskTypes ?? testRegistry.types,
    taskTimeoutsMs: Object.fromEntries(testRegistry.definitions.map((d) => [d.type, d.timeoutMs])),
    httpApiId: options.httpApiId ?? DUMMY_HTTP_API_ID,
    notifierEntry: STUB_ENTRY,
  });
  return { stack, storage, consumer, monitoring, template: Template.fromStack(stack) };
}
