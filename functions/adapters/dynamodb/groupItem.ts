import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Callback } from '../../core/envelope.js';
import type { GroupRecord, LeafState } from '../../core/workflow/types.js';
import type { FollowUpKind } from '../../core/workflow/workflowIds.js';
import { ATTR, type Item, MalformedItemError, num, str } from './taskItem.js';

/**
 * Group items share the task table. Their keys hold `#`, which no task id can, and they have
 * no `status`, so task reads and listings never take them for tasks.
 */
export const groupKey = (groupId: string) => `${groupId}#group`;
export const leafKey = (groupId: string, leaf: number) => `${groupId}#leaf#${leaf}`;
export const followUpsKey = (groupId: string) => `${groupId}#follow`;

/** Attribute names of group, leaf and follow-up items. */
export const GATTR = {
  id: ATTR.id,
  expiresAt: ATTR.expiresAt,
  state: 'groupState',
  total: 'total',
  added: 'added',
  /** Offsets of the add requests counted in `added` (a number set). */
  chunks: 'chunks',
  /** Leaves whose members all ended (a number set). */
  leaves: 'leavesDone',
  failed: 'failed',
  followUps: 'followUps',
  fanInBy: 'fanInBy',
  fanInAt: 'fanInAt',
  fanInUntil: 'fanInUntil',
  fanInSentAt: 'fanInSentAt',
  parentId: 'parentId',
  /** The group's callback (a URL of at most 2,048 characters, and a secret's name). */
  callbackUrl: 'callbackUrl',
  callbackSecret: 'callbackSecret',
  createdAt: ATTR.createdAt,
  /** On a leaf: ids of the members recorded terminal, and of those that failed (string sets). */
  done: 'done',
  failedIds: 'failedIds',
  /** On a leaf: counts kept with the sets, so a progress read projects two numbers. */
  endedCount: 'endedCount',
  failedCount: 'failedCount',
  /** On the follow-ups item: their specs as JSON text. */
  specs: 'specs',
} as const;

export const stringSet = (values: string[]): AttributeValue => ({ SS: values });
export const numberSet = (values: number[]): AttributeValue => ({ NS: values.map(String) });

function numberOf(item: Item, name: string): number | undefined {
  const raw = item[name]?.N;
  return raw === undefined ? undefined : Number(raw);
}

/** Reads a group item; throws MalformedItemError when it is not one. */
export function itemToGroup(item: Item): GroupRecord {
  const key = item[GATTR.id]?.S ?? '';
  const state = item[GATTR.state]?.S;
  if (!key.endsWith('#group') || (state !== 'OPEN' && state !== 'SEALED')) {
    throw new MalformedItemError(`item ${JSON.stringify(key)} is not a group`);
  }
  const total = numberOf(item, GATTR.total);
  const fanInBy = item[GATTR.fanInBy]?.S;
  const sentAt = numberOf(item, GATTR.fanInSentAt);
  const until = numberOf(item, GATTR.fanInUntil);
  const parentId = item[GATTR.parentId]?.S;
  const callback = itemCallback(item);
  return {
    id: key.slice(0, -'#group'.length),
    state,
    ...(total === undefined ? {} : { total }),
    added: numberOf(item, GATTR.added) ?? 0,
    // Stryker disable next-line OptionalChaining: leavesDone is only ever written by ADD of a number set, so when present it holds NS
    leavesDone: item[GATTR.leaves]?.NS?.length ?? 0,
    failed: numberOf(item, GATTR.failed) ?? 0,
    followUps: (item[GATTR.followUps]?.SS ?? []) as FollowUpKind[],
    ...(fanInBy === undefined
      ? {}
      : {
          fanIn: {
            by: fanInBy,
            at: numberOf(item, GATTR.fanInAt) ?? 0,
            ...(until === undefined ? {} : { until }),
            ...(sentAt === undefined ? {} : { sentAt }),
          },
        }),
    ...(callback === undefined ? {} : { callback }),
    ...(parentId === undefined ? {} : { parentId }),
    createdAt: numberOf(item, GATTR.createdAt) ?? 0,
    expiresAt: numberOf(item, GATTR.expiresAt) ?? 0,
  };
}

function itemCallback(item: Item): Callback | undefined {
  const url = item[GATTR.callbackUrl]?.S;
  if (url === undefined) return undefined;
  const secretName = item[GATTR.callbackSecret]?.S;
  return secretName === undefined ? { url } : { url, secretName };
}

export function itemToLeaf(item: Item | undefined): LeafState {
  return {
    // Stryker disable next-line OptionalChaining: done is only ever written by ADD of a string set, so when present it holds SS
    ended: item?.[GATTR.done]?.SS?.length ?? 0,
    failedIds: item?.[GATTR.failedIds]?.SS ?? [],
  };
}

/** A leaf's counts as projected for progress. */
export function leafCounts(item: Item): { ended: number; failed: number } {
  return {
    ended: numberOf(item, GATTR.endedCount) ?? 0,
    failed: numberOf(item, GATTR.failedCount) ?? 0,
  };
}

export function newGroupItem(
  group: {
    id: string;
    total?: number;
    followUps: FollowUpKind[];
    callback?: Callback;
    parentId?: string;
  },
  now: number,
  expiresAt: number,
): Item {
  return {
    [GATTR.id]: str(groupKey(group.id)),
    [GATTR.state]: str(group.total === undefined ? 'OPEN' : 'SEALED'),
    [GATTR.added]: num(group.total ?? 0),
    [GATTR.failed]: num(0),
    [GATTR.createdAt]: num(now),
    [GATTR.expiresAt]: num(expiresAt),
    ...(group.total === undefined ? {} : { [GATTR.total]: num(group.total) }),
    ...(group.followUps.length ? { [GATTR.followUps]: stringSet(group.followUps) } : {}),
    ...(group.parentId === undefined ? {} : { [GATTR.parentId]: str(group.parentId) }),
    ...(group.callback === undefined ? {} : { [GATTR.callbackUrl]: str(group.callback.url) }),
    ...(group.callback?.secretName === undefined
      ? {}
      : { [GATTR.callbackSecret]: str(group.callback.secretName) }),
  };
}
