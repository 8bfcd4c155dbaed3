import type { Envelope } from '../envelope.js';
import { DEFERRAL_ATTRIBUTES } from './admission/Deferrer.js';
import type { QueueMessage } from './types.js';

/**
 * Set by the TaskClient on a task it sends straight to SQS: no row was written for it.
 * A DLQ copy and a redrive keep none of the `taskpipe.` attributes, so a task sent again
 * by them is read as before.
 */
export const UNRECORDED_ATTRIBUTE = 'taskpipe.unrecorded';

/**
 * Whether a delivery tracked at `terminal` or `failures` may skip the read that checks for
 * an end already recorded: the first receive of a message sent with no row, not a deferred
 * copy (a new message, so its receive count starts again) and without an idempotency key
 * (whose resend the read would catch). What that costs is in docs/reliability.md.
 */
export function isUnrecordedFirstDelivery(message: QueueMessage, envelope: Envelope): boolean {
  return (
    message.receiveCount === 1 &&
    message.attributes[UNRECORDED_ATTRIBUTE] === '1' &&
    message.attributes[DEFERRAL_ATTRIBUTES.count] === undefined &&
    envelope.idempotencyKey === undefined
  );
}
