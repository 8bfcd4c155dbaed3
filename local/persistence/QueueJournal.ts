import {
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { FauxqsInflight, FauxqsSqsStore } from './fauxqsInternals.js';
import { MessageIndex } from './MessageIndex.js';
import { type QueueRecord, replay, type SavedQueues } from './queueRecords.js';
import { messageRecord, messagesOf, snapshotLines } from './queueSnapshot.js';
import { restoreQueues } from './restoreQueues.js';
import { watchStore } from './watchStore.js';

export const QUEUE_SNAPSHOT = 'queues.snapshot.jsonl';
export const QUEUE_JOURNAL = 'queues.journal.jsonl';
/** Journal lines before a compaction, on top of two per live message. */
const COMPACT_AFTER_LINES = 20_000;

/** A change waiting for the next flush: a record as is, or a message to write as it is then. */
type Pending = QueueRecord | { t: 'dirty'; queue: string; messageId: string };

/**
 * The queue state of the SQS emulator, kept on disk (docs/persistence.md). fauxqs keeps
 * queues only in memory, so every change it makes is noted here as it happens (through its
 * spy and wrappers on each queue) and written to an append-only journal before the HTTP
 * response that caused it leaves: a message the emulator accepted is on disk before the
 * sender hears so. A compaction rewrites the snapshot and empties the journal.
 */
export class QueueJournal {
  #pending: Pending[] = [];
  readonly #index = new MessageIndex();
  #journalLines = 0;
  #compactAt = COMPACT_AFTER_LINES;
  #fd: number;
  #store?: FauxqsSqsStore;
  /** In-flight entries whose visibility was set by ChangeMessageVisibility. */
  readonly #extended = new WeakSet<FauxqsInflight>();
  readonly #isExtended = (entry: FauxqsInflight) => this.#extended.has(entry);
  /** Until the saved messages are back in the store, a snapshot of it would lose them. */
  #restored = false;

  private constructor(
    private readonly dir: string,
    /** What the files held at start, until `restore` puts it back. */
    private saved: SavedQueues,
  ) {
    this.#fd = openSync(join(dir, QUEUE_JOURNAL), 'a', 0o600);
  }

  /** Reads the snapshot and the journal after it; throws DataDirError when corrupt. */
  static load(dir: string): QueueJournal {
    const saved: SavedQueues = new Map();
    const read = (file: string) =>
      existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8') : '';
    replay(saved, read(QUEUE_SNAPSHOT), join(dir, QUEUE_SNAPSHOT), { tornTailAllowed: false });
    // A cut-off last line was never answered: it is dropped (docs/persistence.md).
    replay(saved, read(QUEUE_JOURNAL), join(dir, QUEUE_JOURNAL), { tornTailAllowed: true });
    return new QueueJournal(dir, saved);
  }

  /** Records every change `store` makes from now on. Call before any queue exists. */
  attach(store: FauxqsSqsStore): void {
    this.#store = store;
    const dirty = (queue: string, messageId: string) =>
      this.#pending.push({ t: 'dirty', queue, messageId });
    watchStore(store, {
      added: (queue, message) => {
        this.#index.add(queue, message);
        dirty(queue, message.messageId);
      },
      removed: (queue, messageId) => {
        this.#index.remove(queue, messageId);
        dirty(queue, messageId);
      },
      changed: dirty,
      record: (record) => {
        if (record.t === 'purge' || record.t === 'drop') this.#index.clear(record.queue);
        this.#pending.push(record);
      },
      extended: (entry) => this.#extended.add(entry),
    });
  }

  /** Puts the saved messages into the store, then starts a fresh snapshot from it. */
  restore(sqsPort: string, afterKill: boolean): number {
    const restored = restoreQueues(this.#requireStore(), this.saved, {
      sqsPort,
      afterKill,
      onExtended: (entry) => this.#extended.add(entry),
    });
    this.saved = new Map();
    this.#restored = true;
    this.compact();
    return restored;
  }

  /** Writes every pending change to the journal; runs before each SQS response is sent. */
  flush(): void {
    if (this.#pending.length === 0) return;
    const pending = this.#pending;
    const store = this.#requireStore();
    const seen = new Set<string>();
    const stateOf = this.#index.lookup((name) => store.getQueueByName(name));
    const lines: string[] = [];
    for (const change of pending) {
      if (change.t !== 'dirty') {
        lines.push(JSON.stringify(change));
        continue;
      }
      const key = `${change.queue}\n${change.messageId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const state = stateOf(change.queue, change.messageId);
      const record: QueueRecord = state
        ? messageRecord(change.queue, state, this.#isExtended)
        : { t: 'gone', queue: change.queue, messageId: change.messageId };
      lines.push(JSON.stringify(record));
    }
    // Cleared only once written: if the write fails, the response fails and the next flush
    // tries again, so the sender retries rather than trusting an unwritten change.
    writeSync(this.#fd, `${lines.join('\n')}\n`);
    this.#pending = this.#pending.slice(pending.length);
    this.#journalLines += lines.length;
    if (this.#restored && this.#journalLines > this.#compactAt) this.compact();
  }

  /** Rewrites the snapshot from the store (atomically) and empties the journal. */
  compact(): void {
    if (!this.#restored) throw new Error('QueueJournal: restore before compacting');
    this.#pending = [];
    const queues = this.#requireStore().listQueues();
    this.#index.rebuild(queues, messagesOf);
    const { text, messages } = snapshotLines(queues, this.#isExtended);
    const target = join(this.dir, QUEUE_SNAPSHOT);
    const temp = `${target}.tmp`;
    writeFileSync(temp, text, { mode: 0o600 });
    syncFile(temp);
    renameSync(temp, target);
    syncFile(dirname(target));
    // Replaying the old journal over the new snapshot would end in the same state, so a
    // kill between the rename and the truncation loses nothing.
    ftruncateSync(this.#fd);
    this.#journalLines = 0;
    this.#compactAt = COMPACT_AFTER_LINES + 2 * messages;
  }

  /** A last compaction, then the journal is closed. */
  close(): void {
    if (this.#restored) this.compact();
    else this.flush();
    closeSync(this.#fd);
  }

  #requireStore(): FauxqsSqsStore {
    if (!this.#store) throw new Error('QueueJournal: attach a store first');
    return this.#store;
  }
}

function syncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
