import { afterEach, describe, expect, it } from 'vitest';
import { installShutdown } from '../../../local/shutdown.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

describe('installShutdown', () => {
  const before = new Map(SIGNALS.map((s) => [s, process.listeners(s)]));
  afterEach(() => {
    for (const s of SIGNALS) {
      for (const l of process.listeners(s)) if (!before.get(s)?.includes(l)) process.off(s, l);
    }
  });

  function setUp(stop: () => Promise<void>, clock = { at: 0 }) {
    const lines: string[] = [];
    const removed: string[] = [];
    let exited: (code: number) => void = () => undefined;
    const exit = new Promise<number>((done) => {
      exited = done;
    });
    installShutdown({
      pipeline: { stop, inFlightBatches: () => 2 },
      timeoutSeconds: 30,
      dataNote: 'in memory: gone',
      removeState: {
        async: async () => {
          removed.push('async');
        },
        now: () => removed.push('now'),
      },
      print: (line) => lines.push(line),
      exit: (code) => exited(code),
      now: () => clock.at,
    });
    return { lines, removed, exit };
  }

  it('removes the state file and exits 1, saying why, when stopping fails', async () => {
    const { lines, removed, exit } = setUp(() => Promise.reject(new Error('emulator hung')));

    process.emit('SIGTERM', 'SIGTERM');

    expect(await exit).toBe(1);
    expect(removed).toEqual(['async']);
    expect(lines[0]).toContain('SIGTERM: stopping; waiting for 2 in-flight batch(es)');
    expect(lines.at(-1)).toBe('stopped, with an error: Error: emulator hung');
  });

  it('stops at once on a second signal, naming the unfinished batches', async () => {
    const clock = { at: 0 };
    const { lines, removed, exit } = setUp(() => new Promise<void>(() => undefined), clock);

    process.emit('SIGINT', 'SIGINT');
    // The same Ctrl-C relayed by a wrapper a moment later is not a second one.
    clock.at = 200;
    process.emit('SIGINT', 'SIGINT');
    expect(removed).toEqual([]);
    clock.at = 3_000;
    process.emit('SIGINT', 'SIGINT');

    expect(await exit).toBe(130);
    expect(removed).toEqual(['now']);
    expect(lines.at(-1)).toMatch(/^stopped at once: 2 batch\(es\) unfinished\. .*in memory: gone$/);
  });
});
