import pLimit from 'p-limit';
import type { Enqueuer } from '../consumer/Enqueuer.js';
import type { Invocation, QueueMessage, RecordOutcome } from '../consumer/types.js';
import { type EnvelopeLinks, envelopeLinksSchema } from '../envelope.js';
import { PermanentError } from '../errors.js';
import type { Clock, Logger, QueuePort, QueueRoute, SigningKeys, TaskStore } from '../ports.js';
import type { TaskRegistry } from '../registry.js';
import { TaskRequestError } from '../service/errors.js';
import { DEFAULT_MAX_PAYLOAD_BYTES, TaskPreparer } from '../service/prepareTask.js';
import { type TaskRecord, type TaskStatus, TERMINAL_STATUSES } from '../status.js';
import type { GroupOptions, GroupTaskInput, ParentTask, TaskContext } from '../task.js';
import { Callbacks } from './Callbacks.js';
import { GroupFanIn } from './GroupFanIn.js';
import { launchGroup } from './launchGroup.js';
import type { FanInInfo, FollowUps, GroupStore, MemberPage } from './types.js';
import { childGroupId, leafCount, memberId, nextStepId } from './workflowIds.js';

export interface WorkflowsDeps {
  groups: GroupStore;
  store: TaskStore;
  queue: QueuePort;
  routes: readonly QueueRoute[];
  registry: TaskRegistry;
  enqueuer: Enqueuer;
  logger: Logger;
  clock: Clock;
  maxPayloadBytes?: number;
  /** Signs callbacks; without it a callback's http.post fails for good. */
  keys?: SigningKeys;
}

/** The parts of a handler's context that groups and chains add. */
export type WorkflowContext = Pick<TaskContext, 'group' | 'parent' | 'fanIn' | 'signingKey'>;

const MEMBER_READS = 16;

/**
 * Groups and chains in the consumer (docs/workflows.md): the hook that runs after a task
 * ended (counts a member into its group, enqueues a chain's next step), and the context
 * tools a handler uses. A task with no workflow links costs nothing here: no request.
 */
export class Workflows {
  readonly #fanIn: GroupFanIn;
  readonly #preparer: TaskPreparer;
  readonly #callbacks: Callbacks;

  constructor(private readonly deps: WorkflowsDeps) {
    this.#fanIn = new GroupFanIn({ ...deps, sender: deps.enqueuer });
    this.#callbacks = new Callbacks(deps);
    this.#preparer = new TaskPreparer({
      ...deps,
      maxPayloadBytes: deps.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
    });
  }

  /**
   * After a delivery ended its task (or found it ended: a redelivery replays this after a
   * crash). Throws when a write failed, so the message comes back and the replay runs.
   */
  async taskEnded(message: QueueMessage, outcome: RecordOutcome, invocation: Invocation) {
    const status = endedStatus(outcome);
    if (!status || !('taskId' in outcome) || !outcome.taskId) return;
    const links = linksOf(message.body);
    if (!links) return;
    const taskId = outcome.taskId;
    if (links.group) {
      await this.#fanIn.memberEnded(links.group, taskId, status, invocation.deadline);
    }
    // The row as the end's write returned it, or as the delivery found it ended (a success or
    // a duplicate); a failure's callback reads it.
    const { record } = outcome as { record?: TaskRecord };
    if (links.callback) {
      const ended = record ?? (await this.deps.store.get(taskId));
      await this.#callbacks.taskEnded(taskId, links.callback, ended);
    }
    const [step, ...rest] = links.next ?? [];
    if (step && status === 'SUCCEEDED' && !this.chainStopped(taskId, record)) {
      try {
        const { type, payload, ...options } = step;
        await this.deps.enqueuer.enqueue(type, payload, options, {
          id: nextStepId(taskId),
          links: { parentId: taskId, ...(rest.length ? { next: rest } : {}) },
        });
      } catch (error) {
        if (!(error instanceof TaskRequestError)) throw error;
        // Checked at the first enqueue; a type removed since cannot run: the chain stops.
        this.deps.logger.error('chain stopped: its next step is not valid', {
          taskId,
          type: step.type,
          error: { name: error.name, message: error.message },
        });
      }
    }
  }

  /**
   * Whether a cancel stopped the chain while `taskId` ran. The mark and the end are both
   * conditional writes on the step's item, so the row the end left holds any mark for good.
   */
  private chainStopped(taskId: string, record: TaskRecord | undefined): boolean {
    // Stryker disable next-line OptionalChaining: a SUCCEEDED outcome always carries its row
    if (record?.chainStoppedAt === undefined) return false;
    this.deps.logger.info('chain stopped by a cancel: the next step is not enqueued', {
      taskId,
      nextId: nextStepId(taskId),
    });
    return true;
  }

  /** The context tools of one attempt of `taskId`. */
  context(taskId: string, links: EnvelopeLinks): WorkflowContext {
    let groups = 0;
    return {
      group: (tasks, options = {}) =>
        this.group(childGroupId(taskId, options.key ?? `#${groups++}`), taskId, tasks, options),
      parent: () => this.parent(links.parentId),
      fanIn: () => this.fanInOf(links.followUp),
      signingKey: (secretName) =>
        this.deps.keys
          ? this.deps.keys.key(secretName)
          : Promise.reject(new PermanentError('no signing keys are configured in this consumer')),
    };
  }

  /** A sealed group; repeated with the same id, it sends the same members again. */
  private async group(
    id: string,
    parentId: string,
    tasks: readonly GroupTaskInput[],
    options: GroupOptions,
  ): Promise<string> {
    const followUps: FollowUps = {
      ...(options.onComplete ? { complete: options.onComplete } : {}),
      ...(options.onSuccess ? { success: options.onSuccess } : {}),
    };
    const now = this.deps.clock.now();
    await launchGroup(
      { ...this.deps, preparer: this.#preparer, now },
      {
        id,
        tasks,
        followUps,
        parentId,
        ...(options.callback ? { callback: options.callback } : {}),
      },
    );
    return id;
  }

  private async parent(parentId: string | undefined): Promise<ParentTask | undefined> {
    if (!parentId) return undefined;
    const record = await this.deps.store.get(parentId);
    if (!record) return undefined;
    return {
      id: record.id,
      type: record.type,
      status: record.status,
      ...(record.result === undefined ? {} : { result: record.result }),
    };
  }

  private async fanInOf(followUp: EnvelopeLinks['followUp']): Promise<FanInInfo | undefined> {
    if (!followUp) return undefined;
    const group = await this.deps.groups.get(followUp.group);
    if (!group || group.total === undefined) return undefined;
    const total = group.total;
    const failedIds = await this.deps.groups.failedMembers(group.id, leafCount(total));
    return {
      groupId: group.id,
      on: followUp.on,
      total,
      succeeded: total - failedIds.length,
      failed: failedIds.length,
      failedIds,
      members: (page = {}) => this.members(group.id, total, page),
    };
  }

  private async members(
    groupId: string,
    total: number,
    page: { offset?: number; limit?: number },
  ): Promise<MemberPage> {
    const offset = Math.max(0, page.offset ?? 0);
    const end = Math.min(total, offset + Math.max(1, page.limit ?? 100));
    const limit = pLimit(MEMBER_READS);
    const indexes = Array.from({ length: Math.max(0, end - offset) }, (_, i) => offset + i);
    const rows = await Promise.all(
      indexes.map((i) => limit(() => this.deps.store.get(memberId(groupId, i)))),
    );
    return {
      members: rows.filter((r) => r !== undefined),
      missing: indexes.filter((_, j) => rows[j] === undefined),
      ...(end < total ? { nextOffset: end } : {}),
    };
  }
}

/** The terminal status a record's outcome shows, if it has one. */
function endedStatus(outcome: RecordOutcome): TaskStatus | undefined {
  if (outcome.kind === 'succeeded') return 'SUCCEEDED';
  if (outcome.kind === 'failed') return 'FAILED';
  if (outcome.kind === 'cancelled') return 'CANCELLED';
  // Stryker disable next-line ConditionalExpression: only a duplicate carries a status; any other kind reads undefined, which no terminal status equals
  if (outcome.kind === 'duplicate') {
    const status = outcome.status as TaskStatus;
    return TERMINAL_STATUSES.has(status) ? status : undefined;
  }
  return undefined;
}

/** The workflow links of a body already parsed as an envelope; none for a plain task. */
export function linksOf(body: string): EnvelopeLinks | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const parsed = envelopeLinksSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const links = parsed.data;
  return links.group || links.next || links.followUp || links.parentId || links.callback
    ? links
    : undefined;
}
