import { type LogLevel, parseLogLine } from './logLine.js';

/** An error message, with its variable parts replaced, and how often it occurred. */
export interface ErrorGroup {
  message: string;
  count: number;
}

/** What `logs.summarize` returns. */
export interface LogSummary {
  source: string;
  /** Non-blank lines read. */
  total: number;
  byLevel: Record<LogLevel, number>;
  /** The most frequent error messages, most frequent first. */
  topErrors: ErrorGroup[];
  /** Earliest and latest timestamps seen, as ISO 8601 strings. */
  firstAt?: string;
  lastAt?: string;
}

export interface SummarizeOptions {
  /** @default 'unknown' */
  source?: string;
  /** @default 5 */
  topN?: number;
}

const MAX_MESSAGE_CHARS = 200;
const NO_MESSAGE = '(no message)';

// Order matters: the wider patterns go first so that, say, a UUID is not read as numbers.
const PLACEHOLDERS: readonly [RegExp, string][] = [
  [/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?/gi, '<time>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/\b0x[0-9a-f]+\b/gi, '<hex>'],
  // Hex strings of 8+ characters mixing digits and letters: hashes, trace ids.
  [/\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{8,}\b/gi, '<hex>'],
  // Other long tokens mixing letters and digits: ULIDs, request ids, keys.
  [/\b(?=[a-z0-9]*[a-z])(?=[a-z0-9]*\d)[a-z0-9]{10,}\b/gi, '<id>'],
  // Numbers not glued to a preceding letter, so "http2" survives but "3000ms" does not.
  [/(?<![a-z])\d+(?:\.\d+)*/gi, '<n>'],
];

/**
 * Replaces the variable parts of a message (timestamps, UUIDs, hex, ids, numbers) with
 * placeholders, so that occurrences of the same error group together.
 */
export function normaliseMessage(message: string): string {
  let text = message;
  for (const [pattern, placeholder] of PLACEHOLDERS) text = text.replace(pattern, placeholder);
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text;
}

/**
 * Summarises log lines: counts per level, the most frequent error messages and the time
 * span. Blank lines are skipped; lines with no recognisable level count as `other`.
 * Deterministic: ties are ordered by message.
 */
export function summarizeLogs(
  lines: readonly string[],
  options: SummarizeOptions = {},
): LogSummary {
  const byLevel: Record<LogLevel, number> = { error: 0, warn: 0, info: 0, debug: 0, other: 0 };
  const errors = new Map<string, number>();
  let total = 0;
  let first: number | undefined;
  let last: number | undefined;

  for (const line of lines) {
    if (line.trim() === '') continue;
    total += 1;
    const parsed = parseLogLine(line);
    byLevel[parsed.level] += 1;
    if (parsed.level === 'error') {
      const key = parsed.message ? normaliseMessage(parsed.message) || NO_MESSAGE : NO_MESSAGE;
      errors.set(key, (errors.get(key) ?? 0) + 1);
    }
    if (parsed.at !== undefined) {
      if (first === undefined || parsed.at < first) first = parsed.at;
      if (last === undefined || parsed.at > last) last = parsed.at;
    }
  }

  const topErrors = [...errors]
    .map(([message, count]) => ({ message, count }))
    .sort((a, b) => b.count - a.count || (a.message < b.message ? -1 : 1))
    .slice(0, options.topN ?? 5);

  return {
    source: options.source ?? 'unknown',
    total,
    byLevel,
    topErrors,
    ...(first === undefined ? {} : { firstAt: new Date(first).toISOString() }),
    ...(last === undefined ? {} : { lastAt: new Date(last).toISOString() }),
  };
}
