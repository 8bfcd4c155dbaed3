import { ConfigError } from '../../core/errors.js';
import type { NoticePublisher } from '../../core/flow/ports.js';
import { type NoticeOrigin, originOf } from './noticeOrigin.js';

/**
 * The alarm topic's publisher, loaded on the first notice: a pipeline whose breakers never
 * move does not evaluate the SNS client at cold start.
 *
 * @throws ConfigError at once when `topicArn` is not an SNS topic ARN.
 */
export function lazySnsNotices(topicArn: string, logGroup?: string): NoticePublisher {
  const origin = originOf(topicArn, logGroup);
  if (!origin) {
    throw new ConfigError('the alarm topic is not an SNS topic ARN', [
      `TASKPIPE_ALARM_TOPIC_ARN: ${JSON.stringify(topicArn)}`,
    ]);
  }
  let publisher: Promise<NoticePublisher> | undefined;
  return {
    async publish(notice) {
      publisher ??= load(topicArn, origin);
      return (await publisher).publish(notice);
    },
  };
}

async function load(topicArn: string, origin: NoticeOrigin): Promise<NoticePublisher> {
  const [{ SNSClient }, { SnsNoticePublisher }] = await Promise.all([
    import('@aws-sdk/client-sns'),
    import('./SnsNoticePublisher.js'),
  ]);
  return new SnsNoticePublisher(new SNSClient({}), topicArn, origin);
}
