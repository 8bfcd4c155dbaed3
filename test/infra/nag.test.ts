import { Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTaskpipeApp } from '../../infra/index.js';
import { STUB_ENTRY, synthTaskpipe, testApp, testDefinition, testRegistry } from './fixtures.js';
import { definitionWithWebhooks } from './monitoringFixtures.js';

/** Every acknowledgement in the tree, as `path: rule id → reason`. */
function acknowledgements(root: IConstruct) {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          path: c.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions', () => {
  let app: ReturnType<typeof synthTaskpipe>['app'];

  beforeAll(() => {
    // With the plugin on, as `cdk synth` runs it: a finding would fail this synth.
    // With webhooks, so the notifier and a stack-created webhook secret are checked too.
    app = synthTaskpipe({ nag: true, validate: true, definition: definitionWithWebhooks }).app;
  });

  it('finds nothing unacknowledged in either stack', () => {
    // The same checks again, for a readable list should the synth above ever fail.
    const report = new AwsSolutionsChecks().validateScope(app);
    const findings = report.violations.map(
      (v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
  });

  it('acknowledges only these findings, each with its reason', () => {
    const acks = acknowledgements(app);
    expect(acks.map(({ path, id }) => `${path}: ${id}`)).toEqual([
      'TaskpipeStateful/Storage/ScheduleDeadLetterQueue: AwsSolutions-SQS3',
      'TaskpipeStateful/Storage/WebhookSecrets/Oncall: AwsSolutions-SMG4',
      'TaskpipeStateless/Pipeline/Consumer/ServiceRole: AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:taskpipe/callbacks/*]',
      'TaskpipeStateless/Pipeline/Schedules/Role: AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      'TaskpipeStateless/Pipeline/Api/ServiceRole: AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/taskpipe-delays/*]',
      'TaskpipeStateless/Pipeline/Delays/Role: AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      'TaskpipeStateless/Pipeline/Monitoring/Notifier/FailureQueue: AwsSolutions-SQS3',
    ]);
    for (const { reason } of acks) expect(reason.length).toBeGreaterThan(40);
  });

  it('finds nothing either when the API takes JWTs', () => {
    const jwt = synthTaskpipe({
      validate: true,
      definition: {
        ...testDefinition,
        api: {
          authorization: {
            type: 'jwt',
            issuer: 'https://issuer.example.com/',
            audience: ['taskpipe'],
          },
        },
      },
    }).app;
    expect(new AwsSolutionsChecks().validateScope(jwt).violations).toEqual([]);
  });

  it('is registered on the app and fails the synth on a new finding', () => {
    const app = testApp();
    const { stateful } = buildTaskpipeApp(app, {
      definition: testDefinition,
      registry: testRegistry,
      consumerEntry: STUB_ENTRY,
    });
    new Queue(stateful, 'Unencrypted', { enforceSSL: false });
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
  });
});
