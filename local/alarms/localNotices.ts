import type { SNSClient } from '@aws-sdk/client-sns';
import { originOf } from '../../functions/adapters/sns/noticeOrigin.js';
import { SnsNoticePublisher } from '../../functions/adapters/sns/SnsNoticePublisher.js';
import type { NoticePublisher } from '../../functions/core/flow/ports.js';
import { LOCAL_REGION } from '../clients.js';

/** Breaker notices to the local alarm topic, through the publisher the consumer uses on AWS. */
export function localNoticePublisher(sns: SNSClient, topicArn: string): NoticePublisher {
  const origin = originOf(topicArn) ?? {
    partition: 'aws',
    region: LOCAL_REGION,
    account: '000000000000',
  };
  return new SnsNoticePublisher(sns, topicArn, origin);
}
