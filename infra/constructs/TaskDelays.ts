import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import { Grant, type IGrantable, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import type { PipelineConfig } from '../../definition/index.js';
import { grantSendOnly } from './functionDefaults.js';
import type { PipelineStorage } from './PipelineStorage.js';

export interface TaskDelaysProps {
  readonly config: PipelineConfig;
  readonly storage: PipelineStorage;
  /** The API function: it creates and deletes the one-time schedules. */
  readonly api: LambdaFunction;
  /** The consumer function: it reads the callback signing keys. */
  readonly consumer: LambdaFunction;
}

/** Where callback signing keys live: the consumer may read these secrets and no others. */
export function callbackSecretPrefix(config: PipelineConfig): string {
  return `${config.name}/callbacks/`;
}

/**
 * Long delays and callbacks (docs/delays.md, docs/callbacks.md): a schedule group for the
 * one-time schedules of tasks due beyond SQS's 15 minutes, the role Scheduler assumes to
 * send them to the queues, the API's right to make and delete them, and the consumer's
 * right to read the callback signing keys under {@link callbackSecretPrefix}.
 */
export class TaskDelays extends Construct {
  readonly group: ScheduleGroup;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: TaskDelaysProps) {
    super(scope, id);
    const { config, storage, api } = props;
    const stack = Stack.of(this);
    this.group = new ScheduleGroup(this, 'Group', { scheduleGroupName: `${config.name}-delays` });
    // Trusted only by this account's delay schedules (confused-deputy protection).
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': this.group.scheduleGroupArn,
          },
        },
      }),
    });
    for (const q of storage.queues) grantSendOnly(q.queue, this.role);
    storage.scheduleDeadLetterQueue.grantSendMessages(this.role);
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        'Scheduler sends to the KMS-encrypted queues; the wildcard covers the GenerateDataKey variants SQS may call and is limited to the one queue key.',
    });
    this.group.grantWriteSchedules(api);
    this.group.grantDeleteSchedules(api);
    this.role.grantPassRole(api.grantPrincipal);
    Validations.of(api.role ?? api).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${config.name}-delays/*]`,
      reason:
        'The API makes one schedule per long-delayed task, named at run time, in this pipeline’s own schedule group only (schedule/<group>/*).',
    });
    api.addEnvironment(
      'TASKPIPE_SCHEDULER',
      stack.toJsonString({
        groupName: this.group.scheduleGroupName,
        roleArn: this.role.roleArn,
        deadLetterArn: storage.scheduleDeadLetterQueue.queueArn,
        queues: storage.queues.map((q) => ({ url: q.queue.queueUrl, arn: q.queue.queueArn })),
      }),
    );
    api.addEnvironment('TASKPIPE_CALLBACK_SECRET_PREFIX', callbackSecretPrefix(config));
    grantCallbackKeys(props.consumer, stack, callbackSecretPrefix(config));
  }
}

function grantCallbackKeys(grantee: IGrantable & LambdaFunction, stack: Stack, prefix: string) {
  Grant.addToPrincipal({
    grantee,
    actions: ['secretsmanager:GetSecretValue'],
    resourceArns: [
      stack.formatArn({
        service: 'secretsmanager',
        resource: 'secret',
        resourceName: `${prefix}*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    ],
  });
  Validations.of(grantee.role ?? grantee).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${prefix}*]`,
    reason:
      'Callbacks name their signing secret per request; the consumer may read only the secrets under this pipeline’s callbacks prefix.',
  });
}
