import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import {
  type PipelineDefinitionInput,
  parsePipelineDefinition,
  type TaskPolicies,
} from '../../definition/index.js';
import { PipelineStorage } from '../constructs/PipelineStorage.js';
import { pascalCase } from '../constructs/pascalCase.js';

export interface TaskpipeStatefulStackProps extends StackProps {
  /** The pipeline definition. */
  readonly definition: PipelineDefinitionInput;
  /** The task types and their policies. */
  readonly registry: TaskPolicies;
}

/**
 * The resources that hold data: the queue key, the queues and DLQs, and the task table.
 * They change rarely and are retained on deletion, so they deploy apart from the code.
 */
export class TaskpipeStatefulStack extends Stack {
  readonly storage: PipelineStorage;

  constructor(scope: Construct, id: string, props: TaskpipeStatefulStackProps) {
    super(scope, id, props);
    const config = parsePipelineDefinition(props.definition, props.registry);
    this.storage = new PipelineStorage(this, 'Storage', { config });

    for (const q of this.storage.queues) {
      const name = pascalCase(q.priority);
      new CfnOutput(this, `${name}QueueUrl`, {
        value: q.queue.queueUrl,
        description: `URL of the "${q.priority}" queue`,
      });
      new CfnOutput(this, `${name}DeadLetterQueueUrl`, {
        value: q.deadLetterQueue.queueUrl,
        description: `URL of the "${q.priority}" dead-letter queue`,
      });
    }
    new CfnOutput(this, 'Queues', {
      value: this.toJsonString(
        this.storage.queues.map((q) => ({
          priority: q.priority,
          url: q.queue.queueUrl,
          dlqUrl: q.deadLetterQueue.queueUrl,
          fifo: q.fifo,
        })),
      ),
      description: 'Every queue as JSON, highest priority first (read by the CLI)',
    });
    new CfnOutput(this, 'TaskTableName', {
      value: this.storage.taskTable.table.tableName,
      description: 'Name of the task status table',
    });
    new CfnOutput(this, 'ScheduleDeadLetterQueueUrl', {
      value: this.storage.scheduleDeadLetterQueue.queueUrl,
      description: 'URL of the queue holding schedule invocations Scheduler could not deliver',
    });
  }
}
