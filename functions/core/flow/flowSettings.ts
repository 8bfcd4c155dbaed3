/**
 * Flow-control settings of a task type (docs/flow-control.md). Key functions are methods,
 * so a definition with a typed payload still fits a registry of any definitions.
 */
export interface FlowSettings<P = unknown> {
  /** At most `burst + perSecond × w` starts in any window of `w` seconds, per key if given. */
  rateLimit?: {
    perSecond: number;
    burst: number;
    key?(payload: P): string;
  };
  /** At most `limit` tasks of one key running at once. */
  concurrency?: {
    key(payload: P): string;
    limit: number;
  };
  /**
   * Of the tasks of one key enqueued within `seconds` of each other, only the last runs;
   * the others end CANCELLED, reason `debounced`. Up to a day: a wait beyond 900 s is
   * several deferral hops.
   */
  debounce?: {
    key(payload: P): string;
    seconds: number;
  };
  /**
   * An idempotency key names one task for this long from the enqueue that opened its
   * window; the first enqueue after it makes a new task. Without it, a key names one task
   * for good.
   */
  dedupWindowSeconds?: number;
}

/** The longest debounce window: 96 deferral hops of 900 s. */
export const MAX_DEBOUNCE_SECONDS = 86_400;

/** The longest dedup window: 30 days. */
const MAX_DEDUP_WINDOW_SECONDS = 2_592_000;

/** What is wrong with a type's flow settings, one line each; empty when nothing. */
export function flowSettingsProblems(label: string, settings: FlowSettings): string[] {
  const problems: string[] = [];
  const { rateLimit, concurrency, debounce, dedupWindowSeconds } = settings;
  if (rateLimit) {
    if (!(rateLimit.perSecond > 0 && rateLimit.perSecond <= 10_000)) {
      problems.push(
        `task type ${label}: rateLimit.perSecond ${rateLimit.perSecond} must be > 0 and ≤ 10000`,
      );
    }
    if (!isCount(rateLimit.burst, 10_000)) {
      problems.push(
        `task type ${label}: rateLimit.burst ${rateLimit.burst} must be an integer 1–10000`,
      );
    }
    if (rateLimit.key !== undefined && typeof rateLimit.key !== 'function') {
      problems.push(`task type ${label}: rateLimit.key must be a function (payload) => string`);
    }
  }
  if (concurrency) {
    if (!isCount(concurrency.limit, 1_000)) {
      problems.push(
        `task type ${label}: concurrency.limit ${concurrency.limit} must be an integer 1–1000`,
      );
    }
    if (typeof concurrency.key !== 'function') {
      problems.push(`task type ${label}: concurrency.key must be a function (payload) => string`);
    }
  }
  if (debounce) {
    if (!isCount(debounce.seconds, MAX_DEBOUNCE_SECONDS)) {
      problems.push(
        `task type ${label}: debounce.seconds ${debounce.seconds} must be an integer 1–${MAX_DEBOUNCE_SECONDS} (a day)`,
      );
    }
    if (typeof debounce.key !== 'function') {
      problems.push(`task type ${label}: debounce.key must be a function (payload) => string`);
    }
  }
  if (dedupWindowSeconds !== undefined && !isCount(dedupWindowSeconds, MAX_DEDUP_WINDOW_SECONDS)) {
    problems.push(
      `task type ${label}: dedupWindowSeconds ${dedupWindowSeconds} must be an integer 1–${MAX_DEDUP_WINDOW_SECONDS} (30 days, the task rows' default retention)`,
    );
  }
  return problems;
}

function isCount(value: number, max: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= max;
}

/** The settings that defer tasks, which a FIFO queue cannot carry (DESIGN §11). */
export function deferringSettings(settings: FlowSettings): string[] {
  return (['rateLimit', 'concurrency', 'debounce'] as const).filter((name) => settings[name]);
}
