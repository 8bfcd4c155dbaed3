import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { pipelineDefinitionSchema } from '../../definition/index.js';
import { synthTaskpipe, testDefinition } from './fixtures.js';

describe("the definition's tracing", () => {
  it('is off by default: no function asks for X-Ray', { timeout: 120_000 }, () => {
    expect(pipelineDefinitionSchema.parse({}).tracing).toBe(false);
    const { statelessTemplate } = synthTaskpipe();
    statelessTemplate.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      { TracingConfig: Match.anyValue() },
      0,
    );
  });

  it('turns on active tracing for the API and consumer functions, with nag findings answered', () => {
    const { app, statelessTemplate } = synthTaskpipe({
      nag: true,
      validate: true,
      definition: { ...testDefinition, tracing: true },
    });

    const traced = statelessTemplate.findResources('AWS::Lambda::Function', {
      Properties: { TracingConfig: { Mode: 'Active' } },
    });
    expect(Object.keys(traced).sort()).toEqual([
      expect.stringMatching(/^PipelineApiFunction/),
      expect.stringMatching(/^PipelineConsumerFunction/),
    ]);
    // Tracing.ACTIVE grants the X-Ray write actions, which take no resource.
    statelessTemplate.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
            Resource: '*',
          }),
        ]),
      },
    });
    // The nag synth above fails on a finding; this lists any, should it ever.
    expect(new AwsSolutionsChecks().validateScope(app).violations).toEqual([]);
  }, 300_000);

  it('refuses a value that is not a boolean, naming the field', () => {
    const parsed = pipelineDefinitionSchema.safeParse({ tracing: 'yes' });
    expect(parsed.error?.issues[0]?.path).toEqual(['tracing']);
  });
});
