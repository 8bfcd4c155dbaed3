import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { notifierSchema, notifierTimeoutSeconds, webhookSchema } from '../../definition/index.js';
import { ConfigError } from '../../functions/core/errors.js';
import {
  AlarmNotifier,
  DEFAULT_NOTIFIER_ENTRY,
  webhookTargetsJson,
} from '../../infra/constructs/AlarmNotifier.js';
import { AlarmTopic } from '../../infra/constructs/AlarmTopic.js';
import { AlarmFactory } from '../../infra/constructs/alarms/AlarmFactory.js';
import {
  WEBHOOK_SECRET_PLACEHOLDER,
  WebhookSecrets,
} from '../../infra/constructs/WebhookSecrets.js';
import { missingEntries } from '../helpers/bundleEntries.js';
import { logicalId, tempDir, testApp } from './fixtures.js';
import {
  definitionWithWebhooks,
  monitoringStack,
  opsWebhook,
  testWebhooks,
} from './monitoringFixtures.js';
import { problemsOf } from './problems.js';
import { withSpawnableStderr } from './spawnableStderr.js';

// biome-ignore lint/suspicious/noExplicitAny: synthesized templates are untyped JSON
type Json = Record<string, any>;

let template: Template;
let built: ReturnType<typeof monitoringStack>;
let notifier: AlarmNotifier;
const resources = (type: string): Json[] => Object.values(template.findResources(type));
const fn = () => template.toJSON().Resources[logicalId(notifier.function)].Properties as Json;

beforeAll(() => {
  built = monitoringStack();
  template = built.template;
  notifier = built.monitoring.notifier!;
});

describe('notifier function', () => {
  it('is made only when the definition names webhooks; without any, synth warns', () => {
    const { monitoring, stack } = monitoringStack({ ...definitionWithWebhooks, webhooks: [] });
    expect(monitoring.notifier).toBeUndefined();
    expect(notifier.node.path).toBe('Monitored/Monitoring/Notifier');
    Annotations.fromStack(stack).hasWarning(
      '/Monitored/Monitoring',
      Match.stringLikeRegexp('no webhooks in the pipeline definition: alarms reach .* no chat'),
    );
    Annotations.fromStack(built.stack).hasNoWarning('*', Match.stringLikeRegexp('no webhooks'));
  });

  it('subscribes to the alarm topic', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: logicalId(built.monitoring.topic.topic) },
      Endpoint: { 'Fn::GetAtt': [logicalId(notifier.function), 'Arn'] },
    });
  });

  it('gets its targets and request timeout from the environment, and no URL or secret', () => {
    const env = fn().Environment.Variables as Json;
    // `oncall` subscribes to the DLQ alarms only: it gets their deployed names.
    const dlqAlarmNames = resources('AWS::CloudWatch::Alarm')
      .map((a) => a.Properties.AlarmName as string)
      .filter((name) => name.endsWith('-dlq-not-empty'));
    // One per priority, and Scheduler's (the fixture has schedules).
    expect(dlqAlarmNames).toHaveLength(4);
    expect(JSON.parse(env.TASKPIPE_WEBHOOK_TARGETS)).toEqual([
      { name: 'ops', kind: 'slack', secretName: 'taskpipe/webhooks/ops' },
      {
        name: 'oncall',
        kind: 'feishu',
        secretName: 'taskpipe/webhooks/oncall',
        alarmNames: dlqAlarmNames,
      },
      {
        name: 'mail',
        kind: 'email',
        addresses: ['oncall@example.com', 'Lead <lead@example.com>'],
        from: 'Alarms <alarms@example.com>',
      },
    ]);
    expect(env.TASKPIPE_WEBHOOK_TIMEOUT_MS).toBe('5000');
    expect(env.TASKPIPE_WEBHOOK_MAX_ATTEMPTS).toBe('3');
    const text = JSON.stringify(fn());
    expect(text).not.toMatch(/https?:\/\//);
    expect(text).not.toContain(WEBHOOK_SECRET_PLACEHOLDER);
    expect(text).not.toMatch(/hooks\.slack|open\.feishu/);
  });

  it('outlives every attempt at a webhook', () => {
    // 5 s per request × 3 attempts, plus room for backoff and start-up.
    expect(fn().Timeout).toBe(25);
    expect(fn().Timeout * 1000).toBeGreaterThan(5_000 * 3);
    expect(notifierTimeoutSeconds(notifierSchema.parse({ webhookTimeoutMs: 10_000 }))).toBe(40);
  });

  it('refuses a timeout too short for its attempts, naming the numbers', () => {
    const stack = new Stack(testApp(), 'Short');
    const topic = new AlarmTopic(stack, 'Topic', { name: 'x' });
    expect(
      () =>
        new AlarmNotifier(stack, 'Notifier', {
          name: 'x',
          topic: topic.topic,
          webhooks: [webhookSchema.parse(testWebhooks[0])],
          settings: notifierSchema.parse({ webhookTimeoutMs: 10_000, timeoutSeconds: 30 }),
          alarmFactory: new AlarmFactory(stack, { topic: topic.topic }),
        }),
    ).toThrow(ConfigError);
  });

  it('logs to its own log group with a retention, through its own role', () => {
    expect(fn().LoggingConfig).toEqual({ LogGroup: { Ref: logicalId(notifier.logGroup) } });
    expect(fn().Role).toEqual({ 'Fn::GetAtt': [logicalId(notifier.role), 'Arn'] });
    const group = template.toJSON().Resources[logicalId(notifier.logGroup)];
    expect(group.Properties.RetentionInDays).toBe(30);
  });

  it('may read its webhooks’ secrets, by name, and nothing else of Secrets Manager', () => {
    const policy = resources('AWS::IAM::Policy').find((p) =>
      JSON.stringify(p.Properties.Roles).includes(logicalId(notifier.role)),
    )!;
    const statements = policy.Properties.PolicyDocument.Statement as Json[];
    const secretStatements = statements.filter((s) =>
      JSON.stringify(s.Action).includes('secretsmanager'),
    );
    expect(secretStatements).toHaveLength(1);
    expect(secretStatements[0]!.Action).toEqual([
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
    ]);
    const arns = (secretStatements[0]!.Resource as Json[]).map((r) => r['Fn::Join'][1].at(-1));
    expect(arns.sort()).toEqual([
      ':secret:taskpipe/webhooks/oncall-??????',
      ':secret:taskpipe/webhooks/ops-??????',
    ]);
  });

  it('may send email only as the email target’s sender identity and From address', () => {
    const policy = resources('AWS::IAM::Policy').find((p) =>
      JSON.stringify(p.Properties.Roles).includes(logicalId(notifier.role)),
    )!;
    const statements = (policy.Properties.PolicyDocument.Statement as Json[]).filter((s) =>
      JSON.stringify(s.Action).includes('ses:'),
    );
    expect(statements).toHaveLength(1);
    expect(statements[0]!.Action).toBe('ses:SendEmail');
    expect(statements[0]!.Condition).toEqual({
      StringEquals: { 'ses:FromAddress': 'alarms@example.com' },
    });
    const arn = statements[0]!.Resource['Fn::Join'][1] as unknown[];
    expect(arn.at(-1)).toBe(':identity/example.com');
    expect(JSON.stringify(arn)).toContain('ses:');
  });

  it('refuses an email target whose addresses are not addresses, naming the field', () => {
    expect(
      problemsOf({
        webhooks: [
          { name: 'mail', kind: 'email', addresses: ['not an address'], from: 'a@b.example' },
        ],
      }).join('\n'),
    ).toMatch(/webhooks\[0\]\.addresses\[0\]: must be an email address/);
  });
});

describe('a webhook secret under a customer-managed key', () => {
  it('may be decrypted by the notifier, through Secrets Manager only', () => {
    const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const { monitoring, template: t } = monitoringStack({
      ...definitionWithWebhooks,
      webhooks: [{ ...opsWebhook, kmsKeyArn: keyArn }],
    });
    const role = logicalId(monitoring.notifier!.role);
    const policy = Object.values(t.findResources('AWS::IAM::Policy')).find((p) =>
      JSON.stringify(p.Properties.Roles).includes(role),
    )!;
    const statements = policy.Properties.PolicyDocument.Statement as Json[];

    expect(statements.filter((st) => JSON.stringify(st.Action).includes('kms:'))).toEqual([
      {
        Action: 'kms:Decrypt',
        Effect: 'Allow',
        Resource: keyArn,
        Condition: {
          StringEquals: {
            'kms:ViaService': {
              'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']],
            },
          },
        },
      },
    ]);
    const read = statements.find((st) => JSON.stringify(st.Action).includes('GetSecretValue'));
    expect(JSON.stringify(read?.Resource)).toContain(':secret:taskpipe/webhooks/ops-??????');
  });

  it('is refused when the key is not a KMS key ARN', () => {
    expect(problemsOf({ webhooks: [{ ...opsWebhook, kmsKeyArn: 'alias/webhooks' }] })).toEqual([
      'webhooks[0].kmsKeyArn: must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>) (got "alias/webhooks")',
    ]);
  });
});

describe('notifier failures', () => {
  it('are retried twice by Lambda, then kept on the failure queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(notifier.function) },
      MaximumRetryAttempts: 2,
      DestinationConfig: {
        OnFailure: {
          Destination: { 'Fn::GetAtt': [logicalId(notifier.failureQueue), 'Arn'] },
        },
      },
    });
  });

  it('land on an encrypted, TLS-only queue kept 14 days', () => {
    const id = logicalId(notifier.failureQueue);
    expect(template.toJSON().Resources[id].Properties).toEqual({
      MessageRetentionPeriod: 14 * 86_400,
      SqsManagedSseEnabled: true,
    });
    const policy = resources('AWS::SQS::QueuePolicy').find((p) =>
      JSON.stringify(p.Properties.Queues).includes(id),
    )!;
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });

  it('raise an alarm as soon as one notification is on the failure queue', () => {
    const alarm = template.toJSON().Resources[logicalId(notifier.failureAlarm)].Properties;
    const topic = { Ref: logicalId(built.monitoring.topic.topic) };
    expect(alarm).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalId(notifier.failureQueue), 'QueueName'] },
        },
      ],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [topic],
      OKActions: [topic],
    });
  });
});

describe('webhook secrets the stack creates', () => {
  let secrets: Template;

  beforeAll(() => {
    const stack = new Stack(testApp(), 'Secrets');
    new WebhookSecrets(stack, 'WebhookSecrets', {
      webhooks: testWebhooks.filter((w) => w.kind !== 'email').map((w) => webhookSchema.parse(w)),
    });
    secrets = Template.fromStack(stack);
  });

  it('exist only for webhooks that ask, named as the definition says, retained', () => {
    const all = Object.values(secrets.findResources('AWS::SecretsManager::Secret'));
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: { Name: 'taskpipe/webhooks/oncall' },
    });
  });

  it('hold a placeholder without a URL until the owner writes the real value', () => {
    secrets.hasResourceProperties('AWS::SecretsManager::Secret', {
      SecretString: '{"url":""}',
    });
  });

  it('are refused for anything that looks like a URL instead of a name', () => {
    expect(
      webhookSchema.safeParse({
        name: 'ops',
        kind: 'slack',
        secretName: 'https://hooks.slack.com/services/T000/B000/XXXX',
      }).success,
    ).toBe(false);
  });
});

// Real bundling of the notifier (every other synth skips bundling).
const entryExists =
  missingEntries('the notifier bundling test', [DEFAULT_NOTIFIER_ENTRY]).length === 0;

describe.skipIf(!entryExists)('notifier bundle', () => {
  let bundleDir: string;

  beforeAll(() => {
    const outdir = tempDir('notifier-bundle');
    const { assembly, stack, bundled } = withSpawnableStderr(() => {
      const app = testApp({ bundle: true, outdir });
      const stack = new Stack(app, 'NotifierBundle');
      const topic = new AlarmTopic(stack, 'Topic', { name: 'taskpipe' });
      const bundled = new AlarmNotifier(stack, 'Notifier', {
        name: 'taskpipe',
        topic: topic.topic,
        webhooks: [webhookSchema.parse(testWebhooks[0])],
        settings: notifierSchema.parse({}),
        alarmFactory: new AlarmFactory(stack, { topic: topic.topic }),
      });
      return { assembly: app.synth(), stack, bundled };
    });
    const props = assembly.getStackArtifact(stack.artifactId).template.Resources[
      logicalId(bundled.function)
    ].Properties;
    const hash = String(props.Code.S3Key).replace(/\.zip$/, '');
    bundleDir = join(outdir, `asset.${hash}`);
  }, 120_000);

  it('is ESM with a source map, that loads and exports the handler', () => {
    expect(readdirSync(bundleDir)).toEqual(expect.arrayContaining(['index.mjs', 'index.mjs.map']));
    const script = `import(${JSON.stringify(join(bundleDir, 'index.mjs'))}).then((m) => console.log(typeof m.handler))`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env: {
        PATH: process.env.PATH,
        AWS_REGION: 'eu-west-1',
        TASKPIPE_WEBHOOK_TARGETS: webhookTargetsJson([webhookSchema.parse(testWebhooks[0])]),
        TASKPIPE_WEBHOOK_TIMEOUT_MS: '5000',
      },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out.trim()).toBe('function');
  });
});
