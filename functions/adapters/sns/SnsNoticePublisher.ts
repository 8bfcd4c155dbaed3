import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { BreakerNotice } from '../../core/flow/breakerNotice.js';
import type { NoticePublisher } from '../../core/flow/ports.js';
import type { NoticeOrigin } from './noticeOrigin.js';

/** Publishes breaker notices to the alarm topic, as JSON beside CloudWatch's alarm messages. */
export class SnsNoticePublisher implements NoticePublisher {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
    private readonly origin: NoticeOrigin,
  ) {}

  async publish(notice: BreakerNotice): Promise<void> {
    await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Message: JSON.stringify({ ...notice, ...this.origin }),
      }),
    );
  }
}
