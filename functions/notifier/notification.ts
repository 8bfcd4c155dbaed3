import { type AlarmNotice, alarmNoticeFrom } from './AlarmNotice.js';
import { parseAlarmMessage } from './alarmMessage.js';
import { breakerAlarmNotice } from './breakerAlarmNotice.js';
import { isTaskpipeNotice, parseBreakerMessage } from './breakerMessage.js';

/**
 * The notice an SNS message carries: a CloudWatch alarm notification, or a taskpipe
 * circuit breaker notice (`"source": "taskpipe"`). Anything else is refused.
 *
 * @throws AlarmMessageError naming what the message is not, with the zod issues.
 */
export function noticeOf(text: string): AlarmNotice {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // parseAlarmMessage says it is not JSON.
  }
  if (isTaskpipeNotice(json)) return breakerAlarmNotice(parseBreakerMessage(json));
  return alarmNoticeFrom(parseAlarmMessage(text));
}
