import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as z from 'zod';
import { DataDirError } from './DataDirError.js';

/**
 * A piece of local runtime state that should survive a restart (alarm states today;
 * schedules, groups, pause flags later). Register it once at start.
 */
export interface StatePart<T> {
  /** The file under `state/`; a contract: renaming it forgets what was saved. */
  name: string;
  schema: z.ZodType<T>;
  snapshot(): T;
  restore(saved: T): void;
}

const NAME = /^[a-z][a-z0-9-]{0,63}$/;
/** How often changed parts are written while running. */
const AUTOSAVE_MS = 1_000;

/**
 * The generic place for runtime state: each registered part is restored from its own file
 * at registration, written when it changed (checked every second, and on `save`), and at a
 * clean stop. Each write replaces the file atomically.
 */
export class LocalStateStore {
  readonly #parts = new Map<string, { part: StatePart<unknown>; written?: string }>();
  #timer?: NodeJS.Timeout;

  constructor(private readonly dir: string) {}

  /** Restores `part` from its file, if there is one, and saves it from now on. */
  register<T>(part: StatePart<T>): void {
    if (!NAME.test(part.name) || this.#parts.has(part.name))
      throw new Error(`state part name ${JSON.stringify(part.name)}: taken or not ${NAME}`);
    const file = this.#file(part.name);
    let written: string | undefined;
    if (existsSync(file)) {
      written = readFileSync(file, 'utf8');
      const parsed = part.schema.safeParse(safeJson(written));
      if (!parsed.success)
        throw new DataDirError(
          `${file} is corrupt: ${parsed.error.issues[0]?.message}; start with --reset to clear the data dir`,
        );
      part.restore(parsed.data);
    }
    this.#parts.set(part.name, { part: part as StatePart<unknown>, written });
    this.#timer ??= setInterval(() => this.saveAll(), AUTOSAVE_MS).unref();
  }

  /** Writes one part now, when it changed: for state that must not wait for the timer. */
  save(name: string): void {
    const entry = this.#parts.get(name);
    if (!entry) return;
    const text = `${JSON.stringify(entry.part.snapshot())}\n`;
    if (text === entry.written) return;
    const file = this.#file(name);
    writeFileSync(`${file}.tmp`, text, { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
    entry.written = text;
  }

  saveAll(): void {
    for (const name of this.#parts.keys()) this.save(name);
  }

  /** A last save; nothing is written after this. */
  close(): void {
    clearInterval(this.#timer);
    this.saveAll();
    this.#parts.clear();
  }

  #file(name: string): string {
    return join(this.dir, `${name}.json`);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
