import * as z from 'zod';
import { TERMINAL_STATUSES } from '../functions/core/status.js';
import { defineTask, type TaskContext } from '../functions/core/task.js';
import { CHAOS_POLICY } from './chaosPolicy.js';
import type { SideEffectLedger } from './SideEffectLedger.js';

/** The workflow task types of the chaos run besides the members (plain work tasks). */
export const FLOW_TYPES = { step: 'chaos.step', report: 'chaos.report' } as const;

/** What a chain step or a follow-up saw when it ran, checked after the run. */
export type FlowObservation =
  | { kind: 'step'; taskId: string; parentId?: string; parentStatus?: string }
  | {
      kind: 'report';
      taskId: string;
      groupId?: string;
      on?: string;
      total?: number;
      failed?: number;
      /** Every member with a row had ended. */
      allMembersEnded: boolean;
      /** Indexes of members with no row: only those the API reported as not sent may be. */
      missing: number[];
      at: number;
    };

/**
 * `chaos.step` notes its parent's status, then works like any chaos task (its faults
 * included); `chaos.report`, a group's follow-up, notes its fan-in and whether every member
 * had ended. A follow-up draws no work fault: it must succeed, once, for the run to pass.
 */
export function workflowTasks(deps: {
  ledger: SideEffectLedger;
  runWork: (n: number, ctx: TaskContext) => Promise<unknown>;
}) {
  const { ledger, runWork } = deps;
  const step = defineTask({
    type: FLOW_TYPES.step,
    schema: z.object({ n: z.number().int().min(0) }),
    ...CHAOS_POLICY,
    handler: async (payload, ctx) => {
      const parent = await ctx.parent();
      ledger.observe({
        kind: 'step',
        taskId: ctx.taskId,
        ...(parent ? { parentId: parent.id, parentStatus: parent.status } : {}),
      });
      return runWork(payload.n, ctx);
    },
  });
  const report = defineTask({
    type: FLOW_TYPES.report,
    schema: z.object({}),
    ...CHAOS_POLICY,
    // Dynamo faults hit its reads: more attempts, so the follow-up itself ends SUCCEEDED.
    maxAttempts: 10,
    timeoutMs: 1_000,
    handler: async (_payload, ctx) => {
      const fanIn = await ctx.fanIn();
      const page = fanIn && (await fanIn.members({ limit: fanIn.total }));
      const allMembersEnded = !!page && page.members.every((m) => TERMINAL_STATUSES.has(m.status));
      ledger.observe({
        kind: 'report',
        taskId: ctx.taskId,
        ...(fanIn
          ? { groupId: fanIn.groupId, on: fanIn.on, total: fanIn.total, failed: fanIn.failed }
          : {}),
        allMembersEnded,
        missing: page ? [...page.missing] : [],
        at: Date.now(),
      });
      ledger.append(ctx.taskId, ctx.attempt, `report:${ctx.taskId}`);
      return { attempt: ctx.attempt };
    },
  });
  return [step, report];
}
