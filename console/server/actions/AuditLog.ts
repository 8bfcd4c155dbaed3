import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AuditEntry } from '../../shared/api.js';

/** Entries kept in memory for the console's own audit view. */
const KEPT = 200;

export interface AuditLogOptions {
  /** Who acts: the OS user locally, the caller's identity on AWS. Asked once. */
  identity: () => Promise<string>;
  /** A JSON line per entry is appended here, when given. */
  file?: string;
  /** A readable line per entry, for the operator's terminal. */
  print?: (line: string) => void;
}

/**
 * Every console action, taken or refused: who, what, on what, when, how many and the
 * outcome. Written before the answer is sent, so an answered action is always on record.
 */
export class AuditLog {
  readonly #entries: AuditEntry[] = [];
  #who: Promise<string> | undefined;

  constructor(private readonly options: AuditLogOptions) {}

  /** The identity actions are recorded under (asked once, then kept). */
  who(): Promise<string> {
    this.#who ??= this.options.identity().catch((error: unknown) => {
      this.#who = undefined;
      return `unknown (${(error as Error).message})`;
    });
    return this.#who;
  }

  async record(entry: Omit<AuditEntry, 'at' | 'who'>): Promise<AuditEntry> {
    const full: AuditEntry = { at: new Date().toISOString(), who: await this.who(), ...entry };
    this.#entries.push(full);
    if (this.#entries.length > KEPT) this.#entries.shift();
    if (this.options.file) {
      await mkdir(dirname(this.options.file), { recursive: true });
      await appendFile(this.options.file, `${JSON.stringify(full)}\n`);
    }
    this.options.print?.(
      `console action: ${full.who} ${full.action} ${full.target} ×${full.count}: ${full.outcome}`,
    );
    return full;
  }

  /** The latest entries, newest first. */
  recent(): AuditEntry[] {
    return [...this.#entries].reverse();
  }
}
