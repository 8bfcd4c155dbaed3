import { describe, expect, it } from 'vitest';
import { FunctionConcurrency } from '../../../local/esm/FunctionConcurrency.js';

describe('FunctionConcurrency', () => {
  it('refuses a limit that is not a whole number of executions of at least one', () => {
    for (const limit of [0, -1, 1.5, Number.NaN]) {
      expect(() => new FunctionConcurrency(limit)).toThrow(
        new RangeError(`function concurrency must be an integer ≥ 1, got ${limit}`),
      );
    }
    expect(new FunctionConcurrency(1).limit).toBe(1);
  });

  it('grants up to the limit, then throttles and counts each refusal', () => {
    const concurrency = new FunctionConcurrency(2);

    const first = concurrency.tryAcquire();
    const second = concurrency.tryAcquire();
    const third = concurrency.tryAcquire();
    const fourth = concurrency.tryAcquire();

    expect(first).toBeTypeOf('function');
    expect(second).toBeTypeOf('function');
    expect(third).toBeUndefined();
    expect(fourth).toBeUndefined();
    expect(concurrency.throttles).toBe(2);
  });

  it('frees one execution per release, however often that release is called', () => {
    const concurrency = new FunctionConcurrency(2);
    const release = concurrency.tryAcquire()!;
    concurrency.tryAcquire();

    release();
    release();

    expect(concurrency.tryAcquire()).toBeTypeOf('function');
    expect(concurrency.tryAcquire()).toBeUndefined();
    expect(concurrency.throttles).toBe(1);
  });
});
