import { describe, expect, it } from 'vitest';
import {
  currentTrace,
  currentTraceparent,
  enterTrace,
  runInTraceScope,
  tracedLogger,
} from '../../../functions/core/trace/traceScope.js';
import { recordingLogger } from '../../helpers/apiHarness.js';

const A = { traceId: 'a'.repeat(32), parentId: '1'.repeat(16), flags: '01' };
const B = { traceId: 'b'.repeat(32), parentId: '2'.repeat(16), flags: '00' };

const extras = (line: string) => JSON.parse(line).extra;

describe('trace scopes', () => {
  it('hold the trace given at the start, or set later, and nothing outside', async () => {
    expect(currentTrace()).toBeUndefined();
    expect(currentTraceparent()).toBeUndefined();
    runInTraceScope(
      () => expect(currentTraceparent()).toBe(`00-${'a'.repeat(32)}-${'1'.repeat(16)}-01`),
      A,
    );
    await runInTraceScope(async () => {
      expect(currentTrace()).toBeUndefined();
      enterTrace(B);
      await Promise.resolve();
      expect(currentTrace()).toEqual(B);
    });
    expect(currentTrace()).toBeUndefined();
  });

  it('ignore a trace entered outside any scope', () => {
    enterTrace(A);
    expect(currentTrace()).toBeUndefined();
  });

  it('keep concurrent records apart', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = runInTraceScope(async () => {
      enterTrace(A);
      await gate;
      return currentTrace();
    });
    const second = runInTraceScope(async () => {
      enterTrace(B);
      release();
      return currentTrace();
    });
    expect(await Promise.all([first, second])).toEqual([A, B]);
  });
});

describe('tracedLogger', () => {
  it.each(['debug', 'info', 'warn', 'error'] as const)(
    'puts the trace id first on a %s line in a scope, and adds nothing outside',
    (level) => {
      const log = recordingLogger();
      const logger = tracedLogger(log);
      logger[level]('outside', { n: 1 });
      runInTraceScope(() => logger[level]('inside', { n: 2 }), A);
      expect(log.lines.map((line) => JSON.parse(line).level)).toEqual([level, level]);
      expect(extras(log.lines[0]!)).toEqual([{ n: 1 }]);
      expect(extras(log.lines[1]!)).toEqual([{ traceId: A.traceId }, { n: 2 }]);
    },
  );

  it('wraps once: a traced logger wrapped again is the same logger', () => {
    const logger = tracedLogger(recordingLogger());
    expect(tracedLogger(logger)).toBe(logger);
    expect(tracedLogger(recordingLogger())).not.toBe(logger);
  });
});
