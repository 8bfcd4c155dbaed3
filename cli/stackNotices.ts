import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { SNSClient } from '@aws-sdk/client-sns';
import { originOf } from '../functions/adapters/sns/noticeOrigin.js';
import { SnsNoticePublisher } from '../functions/adapters/sns/SnsNoticePublisher.js';
import type { NoticePublisher } from '../functions/core/flow/ports.js';
import { UnreachableError } from './errors.js';
import { readAlarmTopicArn } from './stackOutputs.js';

/** The clients a deployed stack's notices go through; each made on the first notice. */
export interface StackNoticeClients {
  cloudFormation(): Promise<CloudFormationClient>;
  sns(): Promise<SNSClient>;
}

/**
 * Breaker notices for the breakers an operator moves against a deployed stack, published
 * to the stateless stack's alarm topic with the operator's credentials, as the consumer
 * publishes its own. The topic is looked up on the first notice, so commands that move no
 * breaker make no extra request; a failed lookup is tried again on the next notice.
 */
export function stackNoticePublisher(
  statefulStack: string,
  clients: StackNoticeClients,
): NoticePublisher & { close(): void } {
  let publisher: Promise<NoticePublisher> | undefined;
  const made: { destroy(): void }[] = [];
  async function load(): Promise<NoticePublisher> {
    const cfn = await clients.cloudFormation();
    made.push(cfn);
    const topicArn = await readAlarmTopicArn(cfn, statefulStack);
    const origin = originOf(topicArn);
    if (!origin) {
      throw new UnreachableError(`the AlarmTopicArn output is not an SNS topic ARN: ${topicArn}`);
    }
    const sns = await clients.sns();
    made.push(sns);
    return new SnsNoticePublisher(sns, topicArn, origin);
  }
  return {
    async publish(notice) {
      publisher ??= load().catch((error: unknown) => {
        publisher = undefined;
        throw error;
      });
      return (await publisher).publish(notice);
    },
    close() {
      for (const client of made.splice(0)) client.destroy();
    },
  };
}
