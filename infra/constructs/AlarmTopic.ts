import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

const CLOUDWATCH = 'cloudwatch.amazonaws.com';

export interface AlarmTopicProps {
  /** Prefix of the key and topic descriptions, normally the pipeline's name. */
  readonly name: string;
}

/**
 * The SNS topic every alarm notifies, on ALARM and on OK. Encrypted with its own
 * customer-managed key (CloudWatch cannot publish to a topic under the `aws/sns` key),
 * TLS only, and only CloudWatch alarms of this account and region may publish to it.
 *
 * It lives beside the alarms in the stateless stack: it holds no data (SNS keeps a
 * message only until delivery), so replacing it loses nothing, and the alarms reference
 * it without a cross-stack reference.
 */
export class AlarmTopic extends Construct {
  readonly topic: Topic;
  /** Rotated yearly; grants CloudWatch the data-key calls SNS encryption needs. */
  readonly key: Key;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // Alarms of this account and region only (confused-deputy protection).
    const fromOwnAlarms = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: {
        'aws:SourceArn': stack.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: '*',
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    };

    this.key = new Key(this, 'Key', {
      description: `${props.name}: encrypts the alarm topic`,
      enableKeyRotation: true,
      // Only messages in flight are encrypted with it; nothing is left to decrypt once the
      // topic is gone.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToUseTheKey',
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal(CLOUDWATCH)],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'], // in a key policy, "*" is this key
        conditions: fromOwnAlarms,
      }),
    );

    this.topic = new Topic(this, 'Topic', {
      displayName: `${props.name} alarms`,
      masterKey: this.key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal(CLOUDWATCH)],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromOwnAlarms,
      }),
    );
  }
}
