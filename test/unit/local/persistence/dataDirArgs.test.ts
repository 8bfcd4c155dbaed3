import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../functions/core/errors.js';
import { dataDirArgs } from '../../../../local/persistence/dataDirArgs.js';
import { storageNotice } from '../../../../local/persistence/storageNotice.js';

describe('dataDirArgs', () => {
  it('stays in memory without a flag or TASKPIPE_DATA_DIR', () => {
    expect(dataDirArgs([], undefined)).toEqual({ reset: false });
  });

  it('takes the flag over the environment', () => {
    expect(dataDirArgs(['--data-dir', 'a'], 'b')).toEqual({ dataDir: 'a', reset: false });
    expect(dataDirArgs(['--data-dir=a', '--reset'], undefined)).toEqual({
      dataDir: 'a',
      reset: true,
    });
    expect(dataDirArgs([], 'b')).toEqual({ dataDir: 'b', reset: false });
  });

  it.each([
    [['--data-dir'], /argument missing|--data-dir/],
    [['--data-dir', ' '], /--data-dir needs a directory/],
    [['--reset'], /--reset clears a data dir, and none was given/],
    [['--data-dr', 'x'], /Unknown option '--data-dr'/],
    [['x'], /positional argument/],
  ])('refuses %j with what is allowed', (argv, message) => {
    const error = (() => {
      try {
        dataDirArgs(argv, undefined);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toMatch(message);
    expect(error?.message).toContain('usage: npm start -- [--data-dir <dir> [--reset]]');
  });
});

describe('storageNotice', () => {
  it('says in one line that memory is lost', () => {
    expect(storageNotice(undefined)).toBe(
      'in memory: stopping loses all tasks; use --data-dir to keep them',
    );
  });

  it('names the dir and what a kill and a power cut lose', () => {
    const line = storageNotice('/srv/tp');
    expect(line).toContain('data in /srv/tp');
    expect(line).toContain('kill -9');
    expect(line).toContain('a power cut may lose the last writes');
    expect(line).not.toContain('\n');
  });
});
