import { describe, expect, it } from 'vitest';
import { threadCpu, threadCpuMs } from '../../bench/threadCpu.js';

describe('threadCpuMs', () => {
  it('adds utime and stime, in clock ticks of 10 ms, after a command name with spaces', () => {
    const stat =
      '4242 (node worker ) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 37 0 0 20 0 11 0 1 2 3';
    expect(threadCpuMs(stat)).toBe((250 + 37) * 10);
  });
});

describe('threadCpu', () => {
  it('reads this process, the main thread apart', () => {
    const cpu = threadCpu();
    if (process.platform !== 'linux') {
      expect(cpu).toBeUndefined();
      return;
    }
    expect(cpu?.mainMs).toBeGreaterThanOrEqual(0);
    expect(cpu?.otherMs).toBeGreaterThanOrEqual(0);
  });
});
