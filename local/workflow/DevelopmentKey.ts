import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as z from 'zod';
import type { SigningKeys } from '../../functions/core/ports.js';
import type { LocalStateStore } from '../persistence/LocalStateStore.js';

/** The state part (and file under the data dir's `state/`) that keeps the key. */
export const DEVELOPMENT_KEY_PART = 'callback-key';
const savedSchema = z.object({ key: z.string().min(32) });

/**
 * The local runtime's callback signing key (docs/callbacks.md): made once, kept in the data
 * dir with `--data-dir` (else in a private temporary file for this run), printed by
 * `taskpipe callbacks key`. It signs every local callback, one that names a secret too
 * (Secrets Manager is not emulated), so the same request runs locally and on AWS.
 */
export class DevelopmentKey implements SigningKeys {
  private constructor(
    readonly value: string,
    /** Where `taskpipe callbacks key` reads it. */
    readonly file: string,
    private readonly cleanup: () => void,
  ) {}

  /** The data dir's key, made on its first start; or a key for this run only. */
  static open(state: { store: LocalStateStore; dir: string } | undefined): DevelopmentKey {
    if (!state) {
      const dir = mkdtempSync(join(tmpdir(), 'taskpipe-key-'));
      const file = join(dir, `${DEVELOPMENT_KEY_PART}.json`);
      const value = newKey();
      writeFileSync(file, `${JSON.stringify({ key: value })}\n`, { mode: 0o600 });
      return new DevelopmentKey(value, file, () => rmSync(dir, { recursive: true, force: true }));
    }
    let value: string | undefined;
    state.store.register({
      name: DEVELOPMENT_KEY_PART,
      schema: savedSchema,
      snapshot: () => ({ key: value ?? '' }),
      restore: (saved) => {
        value = saved.key;
      },
    });
    value ??= newKey();
    state.store.save(DEVELOPMENT_KEY_PART);
    return new DevelopmentKey(value, join(state.dir, `${DEVELOPMENT_KEY_PART}.json`), () => {});
  }

  /** The development key, whatever secret is named: Secrets Manager is not emulated here. */
  async key(): Promise<string> {
    return this.value;
  }

  /** Removes a key made for this run only. */
  close(): void {
    this.cleanup();
  }
}

function newKey(): string {
  return randomBytes(32).toString('base64url');
}
