import type { MailTransport } from '../email/ports.js';
import type { AlarmNotice } from './AlarmNotice.js';
import { formatEmail } from './formatters/email.js';

/** Email recipients of alarms: the notifier sends them the chat message's content itself. */
export interface EmailTarget {
  name: string;
  kind: 'email';
  addresses: readonly string[];
  /** The sender: an address of a verified SES identity. */
  from: string;
  /** Only these alarms (by name) go to this target. @default every alarm */
  alarmNames?: readonly string[];
}

/**
 * Emails one alarm to a target's addresses. Addresses subscribed to the SNS topic would get
 * CloudWatch's raw alarm email instead, so the notifier sends this one itself.
 */
export async function emailAlarm(
  mail: MailTransport,
  target: EmailTarget,
  notice: AlarmNotice,
): Promise<{ attempts: number; messageId: string }> {
  const { messageId } = await mail.send({
    from: target.from,
    to: [...target.addresses],
    cc: [],
    bcc: [],
    replyTo: [],
    ...formatEmail(notice),
    tags: {},
    idempotencyKey: notice.dedupeKey,
  });
  return { attempts: 1, messageId };
}
