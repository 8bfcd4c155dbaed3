/** The levels a summary counts; `other` holds lines with no recognisable level. */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'other';

/** One log line as the summary sees it. */
export interface ParsedLogLine {
  level: LogLevel;
  message?: string;
  /** Epoch milliseconds, when the line carries a timestamp. */
  at?: number;
}

// A Map, not an object literal: a level such as "constructor" must not hit the prototype.
const LEVEL_WORDS = new Map<string, LogLevel>([
  ...['fatal', 'critical', 'crit', 'emerg', 'alert', 'severe', 'error', 'err'].map(
    (word) => [word, 'error'] as const,
  ),
  ['warning', 'warn'],
  ['warn', 'warn'],
  ['notice', 'info'],
  ['info', 'info'],
  ['verbose', 'debug'],
  ['debug', 'debug'],
  ['trace', 'debug'],
]);

const LEVEL_ALTERNATION = [...LEVEL_WORDS.keys()].sort((a, b) => b.length - a.length).join('|');
const TIMESTAMP = String.raw`\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?`;
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

// `<timestamp> <request id> [field]… LEVEL message`, every part before the level optional:
// plain text, bracketed levels and the Lambda runtime's tab-separated format all fit.
const TEXT_LINE = new RegExp(
  String.raw`^(?<at>${TIMESTAMP})?\s*(?:${UUID}\s+)?(?:\[[^\]]{0,64}\]\s*)*\[?(?<level>${LEVEL_ALTERNATION})\]?:?(?:\s+(?<message>.*))?$`,
  'i',
);
const ISO_PARTS =
  /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:[.,](\d+))?(Z|[+-]\d{2}:?\d{2})?$/i;
const LEADING_TIMESTAMP = new RegExp(`^${TIMESTAMP}`, 'i');
const MAX_EPOCH_MS = 8.64e15;

function levelOf(value: unknown): LogLevel {
  // Numeric levels follow pino and bunyan: 10 trace, 20 debug, 30 info, 40 warn, 50 error.
  if (typeof value === 'number') {
    if (value >= 50) return 'error';
    if (value >= 40) return 'warn';
    if (value >= 30) return 'info';
    return value >= 10 ? 'debug' : 'other';
  }
  if (typeof value !== 'string') return 'other';
  return LEVEL_WORDS.get(value.trim().toLowerCase()) ?? 'other';
}

/**
 * Reads a timestamp as epoch milliseconds: epoch numbers (seconds when below 1e11) or ISO
 * 8601 strings. Times without a zone are taken as UTC, so the result never depends on the
 * machine's time zone.
 */
export function toEpochMs(value: unknown): number | undefined {
  if (typeof value === 'number') {
    const ms = value < 1e11 ? value * 1000 : value;
    return Number.isFinite(ms) && ms >= 0 && ms <= MAX_EPOCH_MS ? ms : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const parts = ISO_PARTS.exec(value.trim());
  if (!parts) return undefined;
  const [, date, time, fraction, zone] = parts;
  const millis = fraction ? `.${fraction.slice(0, 3).padEnd(3, '0')}` : '';
  const offset =
    !zone || zone.toUpperCase() === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const ms = Date.parse(`${date}T${time}${millis}${offset}`);
  return Number.isNaN(ms) ? undefined : ms;
}

function firstDefined(record: Record<string, unknown>, keys: readonly string[]): unknown {
  for (const key of keys) if (record[key] !== undefined) return record[key];
  return undefined;
}

function parseJsonLine(line: string): ParsedLogLine | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const message = firstDefined(record, ['msg', 'message']);
  return {
    level: levelOf(firstDefined(record, ['level', 'severity', 'lvl'])),
    message: typeof message === 'string' ? message : undefined,
    at: toEpochMs(firstDefined(record, ['time', 'timestamp', '@timestamp', 'ts'])),
  };
}

/**
 * Parses one log line: a JSON object with `level` and `msg` or `message`, or text with a
 * level word near its start (`2024-01-01T00:00:00Z ERROR something`). Anything else is
 * `other`, keeping a leading timestamp if it has one.
 */
export function parseLogLine(line: string): ParsedLogLine {
  const trimmed = line.trim();
  if (trimmed.startsWith('{')) {
    const parsed = parseJsonLine(trimmed);
    if (parsed) return parsed;
  }
  const match = TEXT_LINE.exec(trimmed);
  if (match?.groups) {
    const { at, level, message } = match.groups;
    return { level: levelOf(level), message: message?.trim(), at: toEpochMs(at) };
  }
  return { level: 'other', at: toEpochMs(LEADING_TIMESTAMP.exec(trimmed)?.[0]) };
}
