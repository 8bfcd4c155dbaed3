import { checkTaskTable } from './checkTaskTable.js';
import { type DataDir, openDataDir } from './DataDir.js';
import { createFauxqsStores, type FauxqsStores } from './fauxqsInternals.js';
import { LocalStateStore } from './LocalStateStore.js';
import { QueueJournal } from './QueueJournal.js';

/** What the emulators need to keep their state in a data dir. */
export interface EmulatorStorage {
  /** dynalite's LevelDB directory. */
  dynamodbPath: string;
  /** The stores fauxqs's `buildApp` runs on, recorded by the journal. */
  sqsStores: FauxqsStores;
  /** Runs before each SQS response leaves: what the request changed goes to disk first. */
  beforeSqsResponse(): void;
}

/**
 * A local runtime's data dir, opened: the task table (dynalite on LevelDB), the queue
 * journal, and the generic state store that runtime parts register with.
 */
export class LocalPersistence {
  #closed = false;

  private constructor(
    readonly dir: DataDir,
    private readonly journal: QueueJournal,
    readonly emulators: EmulatorStorage,
    /** Where runtime parts (alarms, and later schedules, groups, pauses) keep their state. */
    readonly state: LocalStateStore,
  ) {}

  /** Checks, locks and loads `dir`; throws DataDirError saying what is wrong with it. */
  static async open(dir: string, options: { reset?: boolean } = {}): Promise<LocalPersistence> {
    const dataDir = openDataDir(dir, { reset: options.reset ?? false });
    try {
      await checkTaskTable(dataDir.tasks);
      const journal = QueueJournal.load(dataDir.root);
      const { stores, sqs } = await createFauxqsStores();
      journal.attach(sqs);
      return new LocalPersistence(
        dataDir,
        journal,
        {
          dynamodbPath: dataDir.tasks,
          sqsStores: stores,
          beforeSqsResponse: () => journal.flush(),
        },
        new LocalStateStore(dataDir.state),
      );
    } catch (error) {
      dataDir.release();
      throw error;
    }
  }

  /** Puts the saved messages back once the queues exist; returns how many. */
  restoreQueues(sqsEndpoint: string): number {
    return this.journal.restore(new URL(sqsEndpoint).port, this.dir.killed);
  }

  /** Writes a last snapshot of the queues and the state parts, and unlocks the dir. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.journal.close();
      this.state.close();
    } finally {
      this.dir.release();
    }
  }
}
