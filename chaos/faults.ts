/** Every fault the chaos run injects, as named in `--rate-<fault>` flags and the report. */
export const FAULTS = {
  transient: 'handler throws a transient error (per attempt)',
  permanent: 'handler throws PermanentError (per attempt)',
  timeout: 'handler ignores its signal past timeoutMs (per attempt)',
  poison: 'raw SQS body that is not an envelope (per raw message)',
  'duplicate-send': 'same envelope sent twice to SQS (per raw task)',
  'visibility-expiry': 'in-flight message made visible again (per invocation)',
  crash: 'invocation dies after its side effects, response dropped (per invocation)',
  dynamodb: 'DynamoDB call throttled or 5xx past SDK retries (per call)',
  'sqs-send': 'SendMessageBatch entry listed as Failed (per entry)',
  'webhook-500': 'webhook answers 500 (per request)',
  'webhook-429': 'webhook answers 429 with Retry-After (per request)',
  'webhook-hang': 'webhook never answers (per request)',
  restart: 'runtime stopped and started again on its data dir (per drain poll)',
  'retry-after': 'handler asks a Retry-After longer than the backoff cap (share of tasks)',
  'lease-lost': 'lease lost mid-task, the old holder writes after a newer attempt (share of tasks)',
  'fifo-dlq': 'FIFO task fails permanently into the DLQ (share of tasks)',
  'long-delay':
    'task delayed past 15 minutes on a moved clock, a quarter cancelled (share of tasks)',
  'callback-down':
    'callback receiver refuses connections, then answers 503, then recovers (share of tasks)',
} as const;

export type FaultName = keyof typeof FAULTS;
export type FaultRates = Record<FaultName, number>;

/** Rates that exercise every path often enough in a 1,500-task run without stalling it. */
export const DEFAULT_RATES: FaultRates = {
  transient: 0.1,
  permanent: 0.02,
  timeout: 0.01,
  poison: 0.02,
  'duplicate-send': 0.05,
  'visibility-expiry': 0.02,
  crash: 0.01,
  dynamodb: 0.01,
  'sqs-send': 0.05,
  'webhook-500': 0.1,
  'webhook-429': 0.05,
  'webhook-hang': 0.03,
  restart: 0.05,
  'retry-after': 0.005,
  'lease-lost': 0.003,
  'fifo-dlq': 0.003,
  'long-delay': 0.01,
  'callback-down': 0.01,
};

/** What one fault did: how often it fired, and the task ids it touched. */
export interface FaultTally {
  injected: number;
  tasks: Set<string>;
}

/** Counts injections per fault; the runner turns the touched tasks into outcomes. */
export class FaultLog {
  readonly tallies = new Map<FaultName, FaultTally>(
    (Object.keys(FAULTS) as FaultName[]).map((name) => [name, { injected: 0, tasks: new Set() }]),
  );

  /** One injection of `fault`, touching the given tasks (none for poison or unknown ids). */
  record(fault: FaultName, ...taskIds: (string | undefined)[]): void {
    const tally = this.tallies.get(fault)!;
    tally.injected++;
    for (const id of taskIds) if (id) tally.tasks.add(id);
  }
}

/** Parses `--rate-<fault>=<0..1>` flags over the defaults; throws naming a bad flag. */
export function parseRates(flags: Record<string, string>): FaultRates {
  const rates = { ...DEFAULT_RATES };
  for (const [flag, raw] of Object.entries(flags)) {
    if (!flag.startsWith('rate-')) continue;
    const name = flag.slice('rate-'.length) as FaultName;
    const value = Number(raw);
    if (!(name in FAULTS)) throw new Error(`--${flag}: no such fault; known: ${faultNames()}`);
    if (!(value >= 0 && value <= 1)) throw new Error(`--${flag}=${raw}: must be in [0, 1]`);
    rates[name] = value;
  }
  return rates;
}

const faultNames = () => Object.keys(FAULTS).join(', ');
