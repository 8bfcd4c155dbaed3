import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { PipelineDefinitionInput, TaskPolicies } from '../../definition/index.js';
import type { PipelineStorage } from '../constructs/PipelineStorage.js';
import { TaskPipeline } from '../constructs/TaskPipeline.js';

export interface TaskpipeStatelessStackProps extends StackProps {
  /** The pipeline definition. */
  readonly definition: PipelineDefinitionInput;
  /** The task types and their policies. */
  readonly registry: TaskPolicies;
  /** The queues and table, from the stateful stack. */
  readonly storage: PipelineStorage;
  /**
   * The consumer's entry file.
   * @default functions/consumer/handler.ts
   */
  readonly consumerEntry?: string;
  /**
   * The api function's entry file.
   * @default functions/api/handler.ts
   */
  readonly apiEntry?: string;
}

/**
 * The code and wiring: the consumer, its event sources, the schedules and the HTTP API.
 * Safe to replace.
 */
export class TaskpipeStatelessStack extends Stack {
  readonly pipeline: TaskPipeline;

  constructor(scope: Construct, id: string, props: TaskpipeStatelessStackProps) {
    super(scope, id, props);
    this.pipeline = new TaskPipeline(this, 'Pipeline', {
      definition: props.definition,
      registry: props.registry,
      storage: props.storage,
      consumerEntry: props.consumerEntry,
      apiEntry: props.apiEntry,
    });
    const consumer = this.pipeline.consumer;
    new CfnOutput(this, 'ConsumerFunctionName', {
      value: consumer.function.functionName,
      description: 'Name of the consumer Lambda function',
    });
    new CfnOutput(this, 'ConsumerLogGroupName', {
      value: consumer.logGroup.logGroupName,
      description: 'Log group of the consumer',
    });
    new CfnOutput(this, 'ApiUrl', {
      value: this.pipeline.api.url,
      description: 'Base URL of the HTTP API (IAM-signed requests unless the definition says JWT)',
    });
    const { monitoring } = this.pipeline;
    new CfnOutput(this, 'DashboardName', {
      value: monitoring.dashboard.dashboard.dashboardName,
      description: 'The CloudWatch dashboard of the pipeline',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: monitoring.topic.topic.topicArn,
      description: 'SNS topic every alarm notifies, on ALARM and on OK',
    });
  }
}
