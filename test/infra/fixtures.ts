import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import * as z from 'zod';
import type { PipelineDefinitionInput, TaskPolicies } from '../../definition/index.js';
import { pipelineDefinition } from '../../definition/index.js';
import { createRegistry } from '../../functions/core/registry.js';
import { defineTask } from '../../functions/core/task.js';
import { buildTaskpipeApp, type TaskpipeAppOptions } from '../../infra/index.js';

/** The feature flags and settings of cdk.json, so tests synthesize what `cdk synth` does. */
const cdkJson = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../cdk.json', import.meta.url)), 'utf8'),
) as { context: Record<string, unknown> };

export const STUB_ENTRY = fileURLToPath(new URL('./fixtures/handler.ts', import.meta.url));

/** Two task types with distinct policies: the largest maxAttempts is 8, timeout 40 s. */
export const testRegistry = createRegistry([
  defineTask({
    type: 'mail.send',
    schema: z.object({ to: z.email(), template: z.string().min(1) }),
    handler: () => undefined,
    maxAttempts: 8,
    timeoutMs: 20_000,
  }),
  defineTask({
    type: 'report.build',
    schema: z.object({ day: z.string().optional() }),
    handler: () => undefined,
    maxAttempts: 3,
    timeoutMs: 40_000,
  }),
]);

/** The project's definition plus what it leaves out: schedules and reserved concurrency. */
export const testDefinition = {
  ...pipelineDefinition,
  consumer: { ...pipelineDefinition.consumer, reservedConcurrency: 50 },
  schedules: [
    {
      name: 'nightly-report',
      expression: 'cron(0 3 * * ? *)',
      timezone: 'Europe/Berlin',
      type: 'report.build',
      payload: { day: 'yesterday' },
      priority: 'low',
      description: 'Builds yesterday’s report',
    },
    {
      name: 'digest',
      expression: 'rate(1 hour)',
      type: 'mail.send',
      payload: { to: 'ops@example.com', template: 'digest' },
    },
  ],
} satisfies PipelineDefinitionInput;

export interface TestAppOptions {
  /** Bundle the consumer with esbuild. */
  bundle?: boolean;
  /** Run CDK's built-in CloudFormation validation, as `cdk synth` does (about 2 s). */
  validate?: boolean;
  outdir?: string;
}

/** A new App with cdk.json's context; bundling and built-in validation off unless asked. */
export function testApp(options: TestAppOptions = {}): App {
  return new App({
    outdir: options.outdir,
    builtinCloudFormationValidation: options.validate ?? false,
    context: {
      ...cdkJson.context,
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `taskpipe-${prefix}-`));
}

export interface SynthOptions extends Partial<TaskpipeAppOptions>, TestAppOptions {}

/** Builds and synthesizes both stacks; nag runs separately (see nag.test.ts). */
export function synthTaskpipe(options: SynthOptions = {}) {
  const { bundle, validate, outdir } = options;
  const app = testApp({ bundle, validate, outdir });
  const { stateful, stateless } = buildTaskpipeApp(app, {
    definition: testDefinition,
    registry: testRegistry as TaskPolicies,
    consumerEntry: STUB_ENTRY,
    apiEntry: STUB_ENTRY,
    nag: false,
    ...options,
  });
  const assembly = app.synth();
  return {
    app,
    assembly,
    stateful,
    stateless,
    // From the assembly already synthesized: Template.fromStack would synthesize again.
    statefulTemplate: Template.fromJSON(assembly.getStackArtifact(stateful.artifactId).template),
    statelessTemplate: Template.fromJSON(assembly.getStackArtifact(stateless.artifactId).template),
  };
}

type Json = Record<string, unknown>;

/**
 * Follows a cross-stack reference in the stateless template to the value the stateful
 * stack publishes, e.g. `{ 'Fn::GetAtt': ['StorageHighQueue…', 'Arn'] }`.
 */
export function producedValue(stateful: Template, reference: unknown): unknown {
  const ref = (reference as Json)['Fn::GetStackOutput'] as Json | undefined;
  if (!ref) throw new Error(`not a cross-stack reference: ${JSON.stringify(reference)}`);
  const outputs = stateful.toJSON().Outputs as Record<string, { Value: unknown }>;
  return outputs[ref.OutputName as string]?.Value;
}

/**
 * A function's environment as deployed, from the stateless template: cross-stack parts
 * become the stateful values they name, queue URLs `url(logicalId)`, queue names
 * `name:<logicalId>` and the table name its logical id.
 */
export function deployedEnvironment(
  stateful: Template,
  variables: Record<string, unknown>,
  url = (id: string) => `ref:${id}`,
): Record<string, string> & { TASKPIPE_QUEUES: string } {
  const resolve = (part: unknown): string => {
    if (typeof part === 'string') return part;
    const json = part as Json;
    if (json['Fn::GetStackOutput']) {
      const value = producedValue(stateful, part) as Record<string, string[] | string>;
      return value.Ref ? url(value.Ref as string) : `name:${value['Fn::GetAtt']?.[0]}`;
    }
    // A resource of the stateless stack itself, such as the scheduler's role.
    const [id] = (json['Fn::GetAtt'] as string[] | undefined) ?? [];
    if (id) return `arn:aws:iam::123456789012:role/${id}`;
    if (typeof json.Ref === 'string') return json.Ref.startsWith('AWS::') ? 'aws' : json.Ref;
    throw new Error(`cannot resolve ${JSON.stringify(part)}`);
  };
  const value = (variable: unknown): string => {
    const join = (variable as Json)?.['Fn::Join'] as [string, unknown[]] | undefined;
    return join ? join[1].map(resolve).join(join[0]) : resolve(variable);
  };
  const resolved = Object.fromEntries(
    Object.entries(variables).map(([name, v]) => [name, value(v)]),
  ) as Record<string, string>;
  return {
    ...resolved,
    TASKPIPE_TABLE_NAME: (producedValue(stateful, variables.TASKPIPE_TABLE_NAME) as Json)
      .Ref as string,
    TASKPIPE_QUEUES: resolved.TASKPIPE_QUEUES as string,
  };
}

/** One synth of the test app, named as the infra suites use it. */
export function synthTemplates() {
  const synth = synthTaskpipe();
  return {
    stateful: synth.statefulTemplate,
    template: synth.statelessTemplate,
    statefulStack: synth.stateful,
    stack: synth.stateless,
  };
}

/** `Fn::GetAtt` of a construct's ARN, as templates reference it. */
export const getArn = (construct: IConstruct) => ({
  'Fn::GetAtt': [logicalId(construct), 'Arn'],
});

/** The logical id of an L2 construct's CloudFormation resource. */
export function logicalId(construct: IConstruct): string {
  const resource = construct.node.defaultChild as CfnElement;
  return Stack.of(construct).getLogicalId(resource);
}
