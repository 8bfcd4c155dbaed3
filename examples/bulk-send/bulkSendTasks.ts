import * as z from 'zod';
import { PermanentError } from '../../functions/core/errors.js';
import { defineTask } from '../../functions/core/task.js';

/**
 * `bulk-send.summary`: the group's follow-up. It runs once, after every email ended, and
 * reports how many were sent and which failed.
 */
export const bulkSendSummary = defineTask({
  type: 'bulk-send.summary',
  schema: z.object({ campaign: z.string().min(1).max(100) }),
  handler: async ({ campaign }, ctx) => {
    const fanIn = await ctx.fanIn();
    if (!fanIn) throw new PermanentError('bulk-send.summary runs as a group follow-up only');
    ctx.logger.info('campaign summary', { campaign, total: fanIn.total, failed: fanIn.failed });
    return {
      campaign,
      emails: fanIn.total,
      sent: fanIn.succeeded,
      failed: fanIn.failedIds,
    };
  },
});

/** The campaign's `onComplete`: its summary. */
export function summaryFollowUp(campaign: string) {
  return { type: bulkSendSummary.type, payload: { campaign } };
}
