import { describe, expect, it } from 'vitest';
import { handlerErrorInfo } from '../../../functions/core/consumer/errorInfo.js';
import { PermanentError } from '../../../functions/core/errors.js';

/** A stack of a first line and `frames` frames, each naming its index. */
const stackOf = (frames: number): string =>
  [
    'Error: boom',
    ...Array.from({ length: frames }, (_, i) => `    at frame${i} (f.ts:${i}:1)`),
  ].join('\n');

const failedWith = (stack: unknown): PermanentError => {
  const cause = new Error('boom');
  Object.defineProperty(cause, 'stack', { value: stack });
  return new PermanentError('handler failed', { cause });
};

describe('handlerErrorInfo', () => {
  it('keeps the first line and the top twelve frames of the stack, dropping the rest', () => {
    const info = handlerErrorInfo(failedWith(stackOf(20)));

    expect(info.stack?.split('\n')).toEqual(stackOf(12).split('\n'));
  });

  it('keeps a stack of exactly twelve frames whole', () => {
    expect(handlerErrorInfo(failedWith(stackOf(12))).stack).toBe(stackOf(12));
  });

  it('records no stack when what the handler threw has a stack that is not text', () => {
    const info = handlerErrorInfo(failedWith({ frames: [] }));

    expect(info).toEqual({ code: 'permanent', message: 'handler failed' });
  });
});
