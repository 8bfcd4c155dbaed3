import * as z from 'zod';
import { TOPIC_ARN } from './noticeOrigin.js';

/**
 * The environment of a function that announces breaker moves to the alarm targets
 * (docs/pause-and-breakers.md): the consumer, and the API for moves made by hand.
 */
export const noticeSettings = {
  /** Breakers' openings and closings are published here. */
  alarmTopicArn: [
    'TASKPIPE_ALARM_TOPIC_ARN',
    z.string().regex(TOPIC_ARN, 'must be an SNS topic ARN').optional(),
  ],
  /** Set by Lambda: a breaker notice links to the publisher's log lines. */
  logGroupName: ['AWS_LAMBDA_LOG_GROUP_NAME', z.string().min(1).optional()],
} as const;
