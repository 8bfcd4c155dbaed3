import type {
  BreakerBucket,
  BreakerRecord,
  BreakerState,
  PauseRecord,
  PauseScope,
} from '../../core/flow/types.js';
import { ATTR, type Item, MalformedItemError, num, str } from './taskItem.js';

/**
 * Flow-control items share the task table. Their keys hold `#`, which no task id can, and
 * they have no `status` or expiry: task reads and listings skip them, and TTL keeps them.
 */
export const PAUSES_KEY = 'flow#pauses';
export const BREAKERS_KEY = 'flow#breakers';
export const breakerKey = (key: string) => `flow#breaker#${key}`;

/** The map attribute of the pause item that holds each scope's pauses by name. */
export const PAUSE_MAPS: Record<PauseScope, string> = {
  queue: 'pausedQueues',
  type: 'pausedTypes',
};

/** Attribute names of a breaker item; its buckets are `a<start>` and `f<start>` numbers. */
export const BATTR = {
  id: ATTR.id,
  state: 'breakerState',
  since: 'since',
  by: 'by',
  until: 'until',
  probesLeft: 'probesLeft',
  probeSuccesses: 'probeSuccesses',
  version: 'version',
  keys: 'keys',
} as const;

export const attemptsAttr = (start: number) => `a${start}`;
export const failuresAttr = (start: number) => `f${start}`;

const STATES: readonly BreakerState[] = ['closed', 'open', 'half_open'];

export function pauseValue(record: PauseRecord) {
  return { M: { since: num(record.since), by: str(record.by) } };
}

/** The pauses of one scope in the pause item. */
export function itemToPauses(item: Item | undefined, scope: PauseScope): PauseRecord[] {
  const map = item?.[PAUSE_MAPS[scope]]?.M ?? {};
  return Object.entries(map)
    .map(([name, value]) => ({
      scope,
      name,
      since: Number(value.M?.since?.N ?? 0),
      by: value.M?.by?.S ?? 'unknown',
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function breakerToItem(record: BreakerRecord): Item {
  const item: Item = {
    [BATTR.id]: str(breakerKey(record.key)),
    [BATTR.state]: str(record.state),
    [BATTR.since]: num(record.since),
    [BATTR.by]: str(record.by),
    [BATTR.probesLeft]: num(record.probesLeft),
    [BATTR.probeSuccesses]: num(record.probeSuccesses),
    [BATTR.version]: num(record.version),
  };
  if (record.until !== undefined) item[BATTR.until] = num(record.until);
  for (const b of record.buckets) {
    item[attemptsAttr(b.start)] = num(b.attempts);
    item[failuresAttr(b.start)] = num(b.failures);
  }
  return item;
}

const BUCKET_ATTR = /^([af])(\d+)$/;

export function itemToBreaker(item: Item): BreakerRecord {
  const id = item[BATTR.id]?.S ?? '';
  const state = item[BATTR.state]?.S as BreakerState | undefined;
  if (!id.startsWith(breakerKey('')) || !state || !STATES.includes(state)) {
    throw new MalformedItemError(`item ${JSON.stringify(id)} is not a breaker`);
  }
  const buckets = new Map<number, BreakerBucket>();
  for (const [name, value] of Object.entries(item)) {
    const match = BUCKET_ATTR.exec(name);
    if (!match) continue;
    const start = Number(match[2]);
    const bucket = buckets.get(start) ?? { start, attempts: 0, failures: 0 };
    if (match[1] === 'a') bucket.attempts = Number(value.N ?? 0);
    else bucket.failures = Number(value.N ?? 0);
    buckets.set(start, bucket);
  }
  const until = item[BATTR.until]?.N;
  return {
    key: id.slice(breakerKey('').length),
    state,
    since: Number(item[BATTR.since]?.N ?? 0),
    by: item[BATTR.by]?.S ?? 'unknown',
    ...(until === undefined ? {} : { until: Number(until) }),
    probesLeft: Number(item[BATTR.probesLeft]?.N ?? 0),
    probeSuccesses: Number(item[BATTR.probeSuccesses]?.N ?? 0),
    version: Number(item[BATTR.version]?.N ?? 0),
    buckets: [...buckets.values()].sort((a, b) => a.start - b.start),
  };
}
