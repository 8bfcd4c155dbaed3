import {
  type LambdaClient,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { TaskpipeError } from '../../core/errors.js';
import type { QueueSwitch } from '../../core/flow/FlowAdmin.js';
import type { QueueRoute } from '../../core/ports.js';

/** The queue has no event source mapping, or the call to find or change it failed. */
export class EventSourceSwitchError extends TaskpipeError {
  readonly code = 'permanent';
  readonly retryable = false;
}

/**
 * Pauses a queue on AWS by disabling its event source mapping: Lambda stops receiving from
 * it, messages stay on the queue and keep their receive counts. Finds the mapping by the
 * queue's ARN, so no function name is needed.
 */
export class EventSourceSwitch implements QueueSwitch {
  constructor(private readonly clients: { lambda: LambdaClient; sqs: SQSClient }) {}

  async setEnabled(queue: QueueRoute, enabled: boolean): Promise<void> {
    const { Attributes } = await this.clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['QueueArn'] }),
    );
    const arn = Attributes?.QueueArn;
    const { EventSourceMappings = [] } = arn
      ? await this.clients.lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: arn }))
      : {};
    if (EventSourceMappings.length === 0) {
      throw new EventSourceSwitchError(
        `queue ${queue.name} has no event source mapping (ARN ${arn ?? 'unknown'}); is the stateless stack deployed?`,
      );
    }
    for (const mapping of EventSourceMappings) {
      await this.clients.lambda.send(
        new UpdateEventSourceMappingCommand({ UUID: mapping.UUID, Enabled: enabled }),
      );
    }
  }
}
