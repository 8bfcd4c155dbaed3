import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { DataDirError } from '../../../../local/persistence/DataDirError.js';
import { LocalStateStore, type StatePart } from '../../../../local/persistence/LocalStateStore.js';

/** A stand-in for a feature's state, such as paused task types. */
function pausedTypes(initial: string[] = []): StatePart<string[]> & { value: string[] } {
  const part = {
    name: 'paused',
    schema: z.array(z.string()),
    value: initial,
    snapshot: () => part.value,
    restore: (saved: string[]) => {
      part.value = saved;
    },
  };
  return part;
}

describe('LocalStateStore', () => {
  let dir: string;
  let store: LocalStateStore | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'taskpipe-state-'));
  });
  afterEach(async () => {
    store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('saves a registered part and restores it in the next run', async () => {
    store = new LocalStateStore(dir);
    const part = pausedTypes();
    store.register(part);
    part.value = ['mail.send'];
    store.save('paused');
    expect(JSON.parse(await readFile(join(dir, 'paused.json'), 'utf8'))).toEqual(['mail.send']);
    part.value = ['mail.send', 'etl.load'];
    store.close();

    store = new LocalStateStore(dir);
    const next = pausedTypes();
    store.register(next);
    expect(next.value).toEqual(['mail.send', 'etl.load']);
  });

  it('refuses a corrupt file, naming it', async () => {
    await writeFile(join(dir, 'paused.json'), '{"not":"a list"}');
    store = new LocalStateStore(dir);
    expect(() => store!.register(pausedTypes())).toThrow(DataDirError);
    expect(() => new LocalStateStore(dir).register(pausedTypes())).toThrow(
      `${join(dir, 'paused.json')} is corrupt`,
    );
  });

  it('refuses a name that is taken or would leave the state folder', () => {
    store = new LocalStateStore(dir);
    store.register(pausedTypes());
    expect(() => store!.register(pausedTypes())).toThrow(/taken/);
    expect(() => store!.register({ ...pausedTypes(), name: '../escape' })).toThrow(/not/);
  });
});
