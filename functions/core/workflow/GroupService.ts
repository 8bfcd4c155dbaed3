import pLimit from 'p-limit';
import { Enqueuer } from '../consumer/Enqueuer.js';
import { TASK_ID_PATTERN } from '../envelope.js';
import { toTaskpipeError } from '../errors.js';
import { newTaskId } from '../ids.js';
import type { Clock, Logger, QueuePort, QueueRoute, TaskStore } from '../ports.js';
import { recordWithRetries } from '../recordWithRetries.js';
import type { TaskRegistry } from '../registry.js';
import { type BatchEntryResult, enqueueBatch } from '../service/enqueueBatch.js';
import { errorSummary, PayloadTooLargeError, RequestValidationError } from '../service/errors.js';
import { DEFAULT_MAX_PAYLOAD_BYTES, TaskPreparer } from '../service/prepareTask.js';
import { parseRequest } from '../service/requests.js';
import type { TaskRecord } from '../status.js';
import { GroupConflictError, GroupNotFoundError } from './errors.js';
import { GroupFanIn } from './GroupFanIn.js';
import { addMembersSchema, createGroupSchema, sealGroupSchema } from './groupRequests.js';
import { memberDerivation } from './memberTasks.js';
import type { FollowUps, GroupRecord, GroupStore } from './types.js';
import { callbackId, followUpId, leafCount, memberId } from './workflowIds.js';

export interface GroupServiceDeps {
  registry: TaskRegistry;
  store: TaskStore;
  groups: GroupStore;
  queue: QueuePort;
  routes: readonly QueueRoute[];
  logger: Logger;
  clock: Clock;
  maxPayloadBytes?: number;
  /** Whether a callback must name its secret (AWS). @default true */
  callbackSecretRequired?: boolean;
  /** The prefix a callback's secret name must have. */
  callbackSecretPrefix?: string;
}

/** A group as the API and the console show it. */
export interface GroupView {
  groupId: string;
  state: GroupRecord['state'];
  total?: number;
  added: number;
  counts: { ended: number; succeeded: number; failed: number; pending: number };
  /** Ended members over the total (or over those added, while open), 0–1. */
  progress: number;
  followUps: { on: 'complete' | 'success'; taskId: string; enqueued: boolean }[];
  /** The task that POSTs the group's callback (its URL is not shown: it may hold a token). */
  callback?: { taskId: string; enqueued: boolean };
  members: { index: number; taskId: string; task?: TaskRecord }[];
  nextOffset?: number;
}

/** The result of adding members: one entry per task, as `POST /tasks/batch` gives. */
export interface AddedMembers {
  group: GroupRecord;
  results: BatchEntryResult[];
}

const MEMBER_READS = 16;

/**
 * The most a group's follow-ups may hold, as JSON: they share one item, which DynamoDB
 * limits to 400 KB (409,600 bytes) with its keys and attribute names.
 */
export const MAX_FOLLOW_UPS_BYTES = 400_000;

/**
 * Groups behind the HTTP API, the client and the console (docs/workflows.md): create, add,
 * seal, describe. Members get rows and messages as a batch does; a member whose message
 * could not be sent counts as failed, so its group still ends and says which.
 */
export class GroupService {
  readonly #preparer: TaskPreparer;
  readonly #fanIn: GroupFanIn;

  constructor(private readonly deps: GroupServiceDeps) {
    const maxPayloadBytes = deps.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
    this.#preparer = new TaskPreparer({
      ...deps,
      maxPayloadBytes,
      callbackSecretRequired: deps.callbackSecretRequired ?? true,
    });
    const sender = new Enqueuer({ ...deps, maxPayloadBytes });
    this.#fanIn = new GroupFanIn({ ...deps, sender });
  }

  /** `POST /groups`: a new group with its first tasks; sealed unless `seal: false`. */
  async create(body: unknown): Promise<AddedMembers> {
    const parsed = parseRequest(createGroupSchema, body);
    if (!parsed.ok) throw new RequestValidationError('invalid group request', parsed.issues);
    const { tasks, onComplete, onSuccess, callback, seal } = parsed.value;
    const now = this.deps.clock.now();
    const followUps: FollowUps = {
      ...(onComplete ? { complete: onComplete } : {}),
      ...(onSuccess ? { success: onSuccess } : {}),
    };
    // Checked now, so a bad follow-up fails the request instead of the fan-in.
    for (const spec of Object.values(followUps)) this.#preparer.prepare(spec, now);
    const specBytes = new TextEncoder().encode(JSON.stringify(followUps)).length;
    if (specBytes > MAX_FOLLOW_UPS_BYTES) {
      throw new PayloadTooLargeError(
        'follow-ups',
        specBytes,
        MAX_FOLLOW_UPS_BYTES,
        'onComplete and onSuccess together, kept in one DynamoDB item of at most 400 KB; pass large inputs by reference',
      );
    }
    this.#preparer.checkCallback(callback, 'invalid group request');
    const id = newTaskId();
    const size = seal ? tasks.length : undefined;
    this.validateMembers(tasks, id, 0, size, now);
    const created = await this.deps.groups.create({
      id,
      followUps,
      ...(size === undefined ? {} : { total: size }),
      ...(callback ? { callback } : {}),
    });
    if (!seal && tasks.length > 0) await this.deps.groups.add(id, 0, tasks.length);
    // An empty sealed group is complete at once; one with members completes through them.
    if (seal && tasks.length === 0) await this.#fanIn.sealed(created.group);
    const results = await this.sendMembers(tasks, id, 0, size, now);
    this.deps.logger.info('group created', { groupId: id, tasks: tasks.length, sealed: seal });
    return { group: (await this.deps.groups.get(id)) ?? created.group, results };
  }

  /** `POST /groups/{id}/tasks`: members at `offset…`; a repeat of the same offset adds none. */
  async add(groupId: string, body: unknown): Promise<AddedMembers> {
    const parsed = parseRequest(addMembersSchema, body);
    if (!parsed.ok) throw new RequestValidationError('invalid add request', parsed.issues);
    const { offset, tasks } = parsed.value;
    const now = this.deps.clock.now();
    const group = await this.mustGet(groupId);
    this.validateMembers(tasks, group.id, offset, undefined, now);
    const added = await this.deps.groups.add(group.id, offset, tasks.length);
    if (!added.ok) {
      if (added.reason === 'missing') throw new GroupNotFoundError();
      throw conflict(
        `the group is sealed with ${added.group?.total} tasks; it takes no more`,
        group,
      );
    }
    const results = await this.sendMembers(tasks, group.id, offset, undefined, now);
    return { group: added.group, results };
  }

  /** `POST /groups/{id}/seal`: the final count; follow-ups may run from now on. */
  async seal(groupId: string, body: unknown): Promise<GroupRecord> {
    const parsed = parseRequest(sealGroupSchema, body);
    if (!parsed.ok) throw new RequestValidationError('invalid seal request', parsed.issues);
    if (!TASK_ID_PATTERN.test(groupId)) throw new GroupNotFoundError();
    const { total } = parsed.value;
    const sealed = await this.deps.groups.seal(groupId, total);
    if (!sealed.ok) {
      const { group } = sealed;
      if (!group) throw new GroupNotFoundError();
      if (sealed.reason === 'sealed_other') {
        throw conflict(`the group is already sealed with ${group.total} tasks`, group);
      }
      throw conflict(
        `${group.added} tasks were added but the seal says ${total}; add the missing tasks or seal with ${group.added}`,
        group,
      );
    }
    // A repeated seal replays this too: it finishes a fan-in the first seal claimed.
    await this.#fanIn.sealed(sealed.group);
    return (await this.deps.groups.get(groupId)) ?? sealed.group;
  }

  /** `GET /groups/{id}`: counts, progress, follow-ups, and one page of members by index. */
  async describe(groupId: string, page: { offset?: number; limit?: number } = {}) {
    const group = await this.mustGet(groupId);
    const size = group.total ?? group.added;
    const { ended, failed } = await this.deps.groups.progress(group.id, leafCount(size));
    const offset = page.offset ?? 0;
    const end = Math.min(size, offset + (page.limit ?? 25));
    const limit = pLimit(MEMBER_READS);
    const members = await Promise.all(
      Array.from({ length: Math.max(0, end - offset) }, (_, i) =>
        limit(async () => {
          const taskId = memberId(group.id, offset + i);
          const task = await this.deps.store.get(taskId);
          return { index: offset + i, taskId, ...(task ? { task } : {}) };
        }),
      ),
    );
    const view: GroupView = {
      groupId: group.id,
      state: group.state,
      ...(group.total === undefined ? {} : { total: group.total }),
      added: group.added,
      counts: { ended, succeeded: ended - failed, failed, pending: size - ended },
      progress: size === 0 ? 1 : ended / size,
      followUps: group.followUps.map((on) => ({
        on,
        taskId: followUpId(group.id, on),
        enqueued: group.fanIn?.sentAt !== undefined && (on === 'complete' || group.failed === 0),
      })),
      ...(group.callback
        ? {
            callback: { taskId: callbackId(group.id), enqueued: group.fanIn?.sentAt !== undefined },
          }
        : {}),
      members,
      ...(end < size ? { nextOffset: end } : {}),
    };
    return view;
  }

  private async mustGet(groupId: string): Promise<GroupRecord> {
    const group = TASK_ID_PATTERN.test(groupId) ? await this.deps.groups.get(groupId) : undefined;
    if (!group) throw new GroupNotFoundError();
    return group;
  }

  /** Every task is checked before the group changes: one bad entry refuses the request. */
  private validateMembers(
    tasks: readonly unknown[],
    groupId: string,
    offset: number,
    size: number | undefined,
    now: number,
  ): void {
    const derive = memberDerivation(groupId, offset, size);
    const issues = tasks.flatMap((task, index) => {
      try {
        this.#preparer.prepare(task, now, derive(index));
        return [];
      } catch (error) {
        return [{ path: ['tasks', index], message: toTaskpipeError(error).message }];
      }
    });
    if (issues.length) throw new RequestValidationError('invalid group tasks', issues);
  }

  /** Rows and messages for the members; an unsent member ends FAILED in its group. */
  private async sendMembers(
    tasks: readonly unknown[],
    groupId: string,
    offset: number,
    size: number | undefined,
    now: number,
  ): Promise<BatchEntryResult[]> {
    const results = await enqueueBatch(tasks, {
      ...this.deps,
      preparer: this.#preparer,
      derive: memberDerivation(groupId, offset, size),
      now,
      rollback: async (id) => {
        try {
          // The member counts as failed below; its row must not say QUEUED for ever.
          await recordWithRetries(() => this.deps.store.deleteUnclaimed(id));
        } catch (error) {
          this.deps.logger.error('rollback failed: a QUEUED member row has no message', {
            groupId,
            taskId: id,
            error: errorSummary(error),
          });
        }
      },
    });
    for (const result of results) {
      if (result.ok) continue;
      const index = offset + result.index;
      const ref = { id: groupId, index, ...(size === undefined ? {} : { size }) };
      this.deps.logger.warn('group member not sent; counted as failed', { groupId, index });
      await this.#fanIn.memberEnded(ref, memberId(groupId, index), 'FAILED');
    }
    return results;
  }
}

function conflict(message: string, group: GroupRecord): GroupConflictError {
  return new GroupConflictError(message, {
    state: group.state,
    added: group.added,
    ...(group.total === undefined ? {} : { total: group.total }),
  });
}
