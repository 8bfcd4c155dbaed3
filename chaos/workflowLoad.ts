import { memberId } from '../functions/core/workflow/workflowIds.js';
import { callUntilOk } from './callUntilOk.js';
import { WORK_TYPES } from './chaosTasks.js';
import { FLOW_TYPES } from './workflowTasks.js';

/** Small groups and short chains: they add the workflow paths, not much load. */
const GROUP_SIZE = 4;
const CHAIN_STEPS = 3;

export interface ChaosGroup {
  id: string;
  size: number;
  memberIds: string[];
  /** Members the API answered as not sent (rolled back, counted as failed in the group). */
  unsentIds: string[];
  /** When the seal request was sent: no follow-up may run before. */
  sealSentAt: number;
  /** The group names a callback: its summary is POSTed when its fan-in fires. */
  callback: boolean;
}

export interface ChaosChain {
  /** Step ids in order; later ones exist only once the one before succeeded. */
  firstId: string;
  steps: number;
  cancelled: boolean;
}

export interface WorkflowLoad {
  groups: ChaosGroup[];
  chains: ChaosChain[];
}

/**
 * Opens `groups` groups, adds their members in two parts and seals them (so a follow-up
 * could race the seal), and starts `chains` chains, a third of them cancelled while their
 * first task waits. Task numbers start at `firstN` so members draw faults of their own.
 * With `callbackUrl`, every other group names it as its callback.
 */
export async function enqueueWorkflows(options: {
  apiUrl: string;
  groups: number;
  chains: number;
  firstN: number;
  seed: number;
  callbackUrl?: string;
}): Promise<WorkflowLoad> {
  const { apiUrl, seed } = options;
  let n = options.firstN;
  const call = (method: string, path: string, body?: unknown, also?: number) =>
    callUntilOk(apiUrl, method, path, body, also);
  const groups = await Promise.all(
    Array.from({ length: options.groups }, async (_, g): Promise<ChaosGroup> => {
      const ns = Array.from({ length: GROUP_SIZE }, () => n++);
      const callback = options.callbackUrl !== undefined && g % 2 === 0;
      const opened = await call('POST', '/groups', {
        tasks: [],
        seal: false,
        onComplete: { type: FLOW_TYPES.report, payload: {} },
        onSuccess: { type: FLOW_TYPES.report, payload: {} },
        ...(callback ? { callback: { url: options.callbackUrl } } : {}),
      });
      const id = opened.groupId as string;
      const tasks = ns.map((m) => ({ type: WORK_TYPES.member, payload: { n: m } }));
      const half = GROUP_SIZE / 2;
      const offsets = [0, half];
      const parts = [
        await call('POST', `/groups/${id}/tasks`, { offset: 0, tasks: tasks.slice(0, half) }),
        await call('POST', `/groups/${id}/tasks`, { offset: half, tasks: tasks.slice(half) }),
      ];
      // A result's index is its place in the request: the member is the part's offset on.
      const unsentIds = parts.flatMap((part, k) =>
        (part.tasks as { index: number; error?: unknown }[])
          .filter((t) => t.error !== undefined)
          .map((t) => memberId(id, offsets[k]! + t.index)),
      );
      const sealSentAt = Date.now();
      await call('POST', `/groups/${id}/seal`, { total: GROUP_SIZE });
      const memberIds = ns.map((_, i) => memberId(id, i));
      return { id, size: GROUP_SIZE, memberIds, unsentIds, sealSentAt, callback };
    }),
  );
  const chains = await Promise.all(
    Array.from({ length: options.chains }, async (_, c): Promise<ChaosChain> => {
      const cancel = c % 3 === 2;
      const [first, ...rest] = Array.from({ length: CHAIN_STEPS }, () => ({
        type: WORK_TYPES.step,
        payload: { n: n++ },
      }));
      const created = await call('POST', '/tasks', {
        ...first,
        idempotencyKey: `chaos-${seed}-chain-${c}`,
        next: rest,
        // Long enough for the cancel, with its retries, to come first even under load.
        ...(cancel ? { delaySeconds: 5 } : {}),
      });
      const firstId = created.taskId as string;
      // 409 after a retry: an earlier try cancelled it, and only its answer was lost. A
      // cancel that never got through leaves a plain chain, checked as one.
      const cancelled =
        cancel &&
        (await call('POST', `/tasks/${firstId}/cancel`, undefined, 409).then(
          () => true,
          () => false,
        ));
      return { firstId, steps: CHAIN_STEPS, cancelled };
    }),
  );
  return { groups, chains };
}
