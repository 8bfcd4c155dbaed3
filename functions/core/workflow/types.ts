import type { Callback } from '../envelope.js';
import type { TaskRecord } from '../status.js';
import type { FollowUpKind } from './workflowIds.js';

/** A task to enqueue later: a group's follow-up, or a chain's next step. */
export interface TaskSpec {
  type: string;
  payload: unknown;
  priority?: string;
  maxAttempts?: number;
}

/** The follow-ups a group may carry. */
export type FollowUps = Partial<Record<FollowUpKind, TaskSpec>>;

/** OPEN takes more members; SEALED knows its final size. */
export type GroupState = 'OPEN' | 'SEALED';

/** The stored state of a group. Times are epoch milliseconds. */
export interface GroupRecord {
  id: string;
  state: GroupState;
  /** The final member count; set by the seal. */
  total?: number;
  /** Members registered by add requests (each request counted once). */
  added: number;
  /** Leaves whose members are all terminal. */
  leavesDone: number;
  /** Members that ended FAILED or CANCELLED, counted when their leaf completes. */
  failed: number;
  /** Which follow-ups the group carries (their specs are stored apart). */
  followUps: FollowUpKind[];
  /** Set once the fan-in was claimed: who claimed it, and whether its tasks were sent. */
  fanIn?: {
    by: string;
    at: number;
    /** Until then the claimant may still be sending: a duplicate leaves the send to it. */
    until?: number;
    sentAt?: number;
  };
  /** Where the group's summary is POSTed when the fan-in fires. */
  callback?: Callback;
  /** The task whose handler created the group, if any. */
  parentId?: string;
  createdAt: number;
  expiresAt: number;
}

/** A leaf after a member's end was recorded in it. */
export interface LeafState {
  /** Members of the leaf recorded terminal. */
  ended: number;
  /** Those of them that failed or were cancelled. */
  failedIds: string[];
}

/** What a group's member envelope says about its group. */
export interface GroupRef {
  id: string;
  index: number;
  /** The group's size when it was known at send time (sealed at creation). */
  size?: number;
}

/** A new group, before members are added. */
export interface NewGroup {
  id: string;
  followUps: FollowUps;
  /** Sealed at creation with this size, or left OPEN. */
  total?: number;
  callback?: Callback;
  parentId?: string;
}

export type SealResult =
  | { ok: true; group: GroupRecord }
  | { ok: false; group?: GroupRecord; reason: 'missing' | 'count_mismatch' | 'sealed_other' };

export type AddResult =
  | { ok: true; group: GroupRecord; repeated: boolean }
  | { ok: false; group?: GroupRecord; reason: 'missing' | 'sealed' };

/**
 * Group persistence: idempotent single-item writes, no transactions. Every method is safe
 * to repeat with the same arguments.
 */
export interface GroupStore {
  /** Creates the group (and its follow-up specs) if the id is unused. */
  create(group: NewGroup): Promise<{ created: boolean; group: GroupRecord }>;
  /** Registers `count` members starting at `offset`, once per offset, while OPEN. */
  add(groupId: string, offset: number, count: number): Promise<AddResult>;
  /** OPEN → SEALED with `total`, which must equal the members added. */
  seal(groupId: string, total: number): Promise<SealResult>;
  /** Adds a terminal member to its leaf, once per id; answers the leaf as it now is. */
  recordMember(
    groupId: string,
    leaf: number,
    memberId: string,
    failed: boolean,
  ): Promise<LeafState>;
  /** The leaf as it is, without writing. */
  readLeaf(groupId: string, leaf: number): Promise<LeafState>;
  /** Counts a full leaf in its group, once per leaf; answers the group as it now is. */
  completeLeaf(groupId: string, leaf: number, failed: number): Promise<GroupRecord>;
  /**
   * Claims the fan-in for `by` if the group is sealed, every leaf is done and nobody
   * claimed it yet; answers whether this call claimed it, and the group.
   */
  claimFanIn(
    groupId: string,
    by: string,
    leaves: number,
    until?: number,
  ): Promise<{ claimed: boolean; group: GroupRecord }>;
  /** Notes that the fan-in's tasks were sent. */
  markFanInSent(groupId: string): Promise<void>;
  get(groupId: string): Promise<GroupRecord | undefined>;
  followUps(groupId: string): Promise<FollowUps>;
  /** The ids of members that failed or were cancelled, from leaves `0..leaves-1`. */
  failedMembers(groupId: string, leaves: number): Promise<string[]>;
  /** Members recorded terminal, and of them failed, over leaves `0..leaves-1`. */
  progress(groupId: string, leaves: number): Promise<{ ended: number; failed: number }>;
}

/** What a follow-up's handler learns about its group. */
export interface FanInInfo {
  groupId: string;
  on: FollowUpKind;
  total: number;
  succeeded: number;
  failed: number;
  failedIds: string[];
  /** A page of members with their status and result, by index. */
  members(page?: { offset?: number; limit?: number }): Promise<MemberPage>;
}

export interface MemberPage {
  members: TaskRecord[];
  /** Indexes that have no row (yet, or no more). */
  missing: number[];
  nextOffset?: number;
}
