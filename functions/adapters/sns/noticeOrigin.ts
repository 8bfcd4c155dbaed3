// arn:<partition>:sns:<region>:<account>:<topic>
export const TOPIC_ARN = /^arn:(aws|aws-cn|aws-us-gov):sns:([a-z0-9-]+):(\d{12}):[\w-]{1,256}$/;

/** Where a notice came from: the notifier builds its console link from these. */
export interface NoticeOrigin {
  partition: string;
  region: string;
  account: string;
  /** The publisher's log group, where the transition's log lines are. */
  logGroup?: string;
}

/** The partition, region and account of a topic ARN, or undefined when it is not one. */
export function originOf(topicArn: string, logGroup?: string): NoticeOrigin | undefined {
  const match = TOPIC_ARN.exec(topicArn);
  if (!match) return undefined;
  const [, partition = 'aws', region = '', account = ''] = match;
  return { partition, region, account, ...(logGroup ? { logGroup } : {}) };
}
