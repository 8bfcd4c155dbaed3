import { describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../../functions/core/errors.js';
import { recordWithRetries } from '../../../functions/core/recordWithRetries.js';

function failing(errors: Error[], value = 'ok') {
  let calls = 0;
  const write = async () => {
    const error = errors[calls++];
    if (error) throw error;
    return value;
  };
  return { write, calls: () => calls };
}

describe('recordWithRetries', () => {
  it('tries a transient store failure again, up to three writes in all', async () => {
    const twice = failing([new RetryableError('throttled'), new RetryableError('500')]);
    await expect(recordWithRetries(twice.write)).resolves.toBe('ok');
    expect(twice.calls()).toBe(3);

    const thrice = failing([1, 2, 3].map((n) => new RetryableError(`throttled ${n}`)));
    await expect(recordWithRetries(thrice.write)).rejects.toThrow('throttled 3');
    expect(thrice.calls()).toBe(3);
  });

  it('does not retry an error that will not pass', async () => {
    const once = failing([new PermanentError('no such table')]);
    await expect(recordWithRetries(once.write)).rejects.toThrow('no such table');
    expect(once.calls()).toBe(1);
    const plain = failing([new TypeError('bug')]);
    await expect(recordWithRetries(plain.write)).rejects.toThrow('bug');
    expect(plain.calls()).toBe(1);
  });
});
