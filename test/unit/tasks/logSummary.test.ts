import { describe, expect, it } from 'vitest';
import { parseLogLine, toEpochMs } from '../../../functions/tasks/logLine.js';
import { logSummary } from '../../../functions/tasks/logSummary.js';
import { normaliseMessage, summarizeLogs } from '../../../functions/tasks/summarizeLogs.js';
import { createTaskContext } from '../../helpers/taskContext.js';

describe('parseLogLine', () => {
  it.each([
    ['{"level":"error","msg":"boom","time":"2024-01-01T00:00:00Z"}', 'error', 'boom'],
    ['{"level":"WARN","message":"slow"}', 'warn', 'slow'],
    ['{"level":30,"msg":"pino info"}', 'info', 'pino info'],
    ['{"severity":"DEBUG","message":"gcp style"}', 'debug', 'gcp style'],
    ['2024-01-01T00:00:00Z ERROR something broke', 'error', 'something broke'],
    ['2024-01-01 00:00:00,123 [main] WARNING disk at 91%', 'warn', 'disk at 91%'],
    ['[INFO] started', 'info', 'started'],
    ['ERROR: no timestamp', 'error', 'no timestamp'],
    [
      '2024-01-01T00:00:00.000Z\t0d9c7d5e-1f0a-4b7e-9a55-3f0f7c8f2a11\tERROR\tInvoke Error',
      'error',
      'Invoke Error',
    ],
  ])('reads %j', (line, level, message) => {
    expect(parseLogLine(line)).toMatchObject({ level, message });
  });

  it.each([
    'just some text',
    'the error happened here',
    '{"msg":"no level"}',
    '{"level":"constructor","msg":"prototype name"}',
    '{not json',
    '[1,2,3]',
    'ERRORS are not a level',
  ])('counts %j as other', (line) => {
    expect(parseLogLine(line).level).toBe('other');
  });

  it('reads timestamps as UTC whatever their form', () => {
    const expected = Date.parse('2024-01-01T10:00:00.123Z');
    expect(toEpochMs('2024-01-01 10:00:00,123')).toBe(expected);
    expect(toEpochMs('2024-01-01T11:00:00.123+0100')).toBe(expected);
    expect(toEpochMs(expected)).toBe(expected);
    expect(toEpochMs(expected / 1000)).toBe(expected);
    expect(toEpochMs('yesterday')).toBeUndefined();
    expect(toEpochMs(Number.POSITIVE_INFINITY)).toBeUndefined();
  });
});

describe('normaliseMessage', () => {
  it.each([
    ['user 42 not found', 'user <n> not found'],
    ['timeout after 3000ms', 'timeout after <n>ms'],
    ['item 0d9c7d5e-1f0a-4b7e-9a55-3f0f7c8f2a11 missing', 'item <uuid> missing'],
    ['bad pointer 0x7ffe12 in deadbeef01', 'bad pointer <hex> in <hex>'],
    ['request 01HZX3Q8R7M2K5N4P6T9V0W1YZ failed', 'request <id> failed'],
    ['at 2024-01-01T00:00:00Z   retry', 'at <time> retry'],
    ['upgrade to http2 failed', 'upgrade to http2 failed'],
  ])('turns %j into %j', (message, expected) => {
    expect(normaliseMessage(message)).toBe(expected);
  });
});

describe('summarizeLogs', () => {
  const lines = [
    '2024-01-01T00:00:05Z ERROR user 1 not found',
    '{"level":"error","msg":"user 2 not found","time":"2024-01-01T00:00:01Z"}',
    '2024-01-01T00:00:03Z ERROR disk full',
    '2024-01-01T00:00:09Z WARN slow request 120ms',
    '{"level":"info","msg":"ok"}',
    'DEBUG cache miss',
    'garbage line',
    '',
    '2024-01-01T00:00:04Z ERROR user 3 not found',
  ];

  it('counts levels, groups errors and reports the time span', () => {
    expect(summarizeLogs(lines, { source: 'api' })).toEqual({
      source: 'api',
      total: 8,
      byLevel: { error: 4, warn: 1, info: 1, debug: 1, other: 1 },
      topErrors: [
        { message: 'user <n> not found', count: 3 },
        { message: 'disk full', count: 1 },
      ],
      firstAt: '2024-01-01T00:00:01.000Z',
      lastAt: '2024-01-01T00:00:09.000Z',
    });
  });

  it('keeps the topN most frequent errors, ties ordered by message', () => {
    const errors = ['ERROR c', 'ERROR b', 'ERROR a', 'ERROR b', 'ERROR'];

    expect(summarizeLogs(errors, { topN: 3 }).topErrors).toEqual([
      { message: 'b', count: 2 },
      { message: '(no message)', count: 1 },
      { message: 'a', count: 1 },
    ]);
  });

  it('returns an empty summary without timestamps for no lines', () => {
    expect(summarizeLogs([])).toEqual({
      source: 'unknown',
      total: 0,
      byLevel: { error: 0, warn: 0, info: 0, debug: 0, other: 0 },
      topErrors: [],
    });
  });
});

describe('logs.summarize task', () => {
  it('validates bounds and summarises through the handler', async () => {
    expect(logSummary.schema.safeParse({ lines: ['x'.repeat(10_000)] }).success).toBe(false);
    expect(logSummary.schema.safeParse({ lines: [], topN: 0 }).success).toBe(false);
    const payload = logSummary.schema.parse({ lines: ['ERROR boom'], topN: 1 });

    const result = await logSummary.handler(payload, createTaskContext());

    expect(result.topErrors).toEqual([{ message: 'boom', count: 1 }]);
  });
});
