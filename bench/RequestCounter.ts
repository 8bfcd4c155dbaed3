/** Who made a call: the producer (API function or client), our consumer, or the event source mapping. */
export type Role = 'producer' | 'consumer' | 'esm';

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);
const READS = new Set(['GetItem', 'Query', 'Scan']);

type Output = { Messages?: unknown[]; ConsumedCapacity?: { CapacityUnits?: number } };
type Next = (args: unknown) => Promise<{ output?: Output }>;
type Context = { clientName?: string; commandName?: string };

/** The part of an SDK v3 client the counter needs. */
export interface CountableClient {
  middlewareStack: {
    // biome-ignore lint/suspicious/noExplicitAny: the stack is typed per client; the counter fits any
    add(middleware: any, options: { step: 'initialize'; name: string; priority: 'high' }): void;
    // biome-ignore lint/suspicious/noExplicitAny: as above
    add(middleware: any, options: { step: 'deserialize'; name: string; priority: 'high' }): void;
  };
}

/**
 * Counts the requests SDK clients send, by role, service and operation. It sits in the
 * deserialize step, so every HTTP attempt is seen (SDK retries are billed too) and a
 * failed condition is told apart from a write that applied: both are billed.
 */
export class RequestCounter {
  readonly counts = new Map<string, number>();
  /** DynamoDB capacity units by `${role}:${'write' | 'read'}`: what on-demand bills. */
  readonly units = new Map<string, number>();

  attach(client: CountableClient, role: Role): void {
    // Every DynamoDB call reports the capacity it used, which grows with the item's size.
    client.middlewareStack.add(
      (next: Next, context: Context) => async (args: { input?: Record<string, unknown> }) => {
        if (!context.clientName?.startsWith('SQS') && args.input) {
          args.input.ReturnConsumedCapacity ??= 'TOTAL';
        }
        return next(args);
      },
      { step: 'initialize', name: 'benchConsumedCapacity', priority: 'high' },
    );
    client.middlewareStack.add(
      (next: Next, context: Context) => async (args: unknown) => {
        const service = context.clientName?.startsWith('SQS') ? 'sqs' : 'dynamodb';
        const op = (context.commandName ?? 'Unknown').replace(/Command$/, '');
        try {
          const result = await next(args);
          const empty = op === 'ReceiveMessage' && !result.output?.Messages?.length;
          this.add(`${role}:${service}:${op}${empty ? ':empty' : ''}`);
          const units = result.output?.ConsumedCapacity?.CapacityUnits;
          if (service === 'dynamodb' && units !== undefined) this.addUnits(role, op, units);
          return result;
        } catch (error) {
          const name = (error as Error).name;
          // A receive the poller aborts when it stops is not a failure.
          const tag =
            name === 'ConditionalCheckFailedException'
              ? 'conditionFailed'
              : name === 'AbortError'
                ? 'aborted'
                : 'error';
          this.add(`${role}:${service}:${op}:${tag}`);
          // A refused condition is billed like a write; its size is not reported, so one unit.
          if (tag === 'conditionFailed') this.addUnits(role, op, 1);
          throw error;
        }
      },
      { step: 'deserialize', name: 'benchRequestCounter', priority: 'high' },
    );
  }

  /** Sum of the counts whose key matches. */
  sum(match: (role: string, service: string, op: string, tag: string) => boolean): number {
    let total = 0;
    for (const [key, n] of this.counts) {
      const [role = '', service = '', op = '', tag = ''] = key.split(':');
      if (match(role, service, op, tag)) total += n;
    }
    return total;
  }

  /** The success-path figures of one run, as totals. */
  summary(): RequestTotals {
    const s = (f: Parameters<RequestCounter['sum']>[0]) => this.sum(f);
    return {
      ourSqsCalls: s((r, svc) => r !== 'esm' && svc === 'sqs'),
      consumerSqsCalls: s((r, svc) => r === 'consumer' && svc === 'sqs'),
      sendCalls: s((r, _, op) => r === 'producer' && op.startsWith('SendMessage')),
      ddbWrites: s(
        (r, svc, op, tag) => r !== 'esm' && svc === 'dynamodb' && WRITES.has(op) && !tag,
      ),
      ddbConditionFailed: s(
        (_, svc, op, tag) => svc === 'dynamodb' && WRITES.has(op) && tag === 'conditionFailed',
      ),
      ddbReads: s((_, svc, op) => svc === 'dynamodb' && READS.has(op)),
      ddbWriteUnits: this.unitsOf('write'),
      ddbReadUnits: this.unitsOf('read'),
      esmReceives: s((r, _, op, tag) => r === 'esm' && op === 'ReceiveMessage' && tag === ''),
      esmEmptyReceives: s(
        (r, _, op, tag) => r === 'esm' && op === 'ReceiveMessage' && tag === 'empty',
      ),
      esmDeletes: s((r, _, op) => r === 'esm' && op.startsWith('DeleteMessage')),
      errors: s((_, __, ___, tag) => tag === 'error'),
    };
  }

  private add(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  private addUnits(role: Role, op: string, units: number): void {
    const key = `${role}:${WRITES.has(op) ? 'write' : 'read'}`;
    this.units.set(key, (this.units.get(key) ?? 0) + units);
  }

  /** Capacity units of one kind by the producer and the consumer (the ESM uses none). */
  private unitsOf(kind: 'write' | 'read'): number {
    let total = 0;
    for (const [key, n] of this.units) if (key.endsWith(`:${kind}`)) total += n;
    return total;
  }
}

export interface RequestTotals {
  /** Every SQS call the producer or consumer made (not the event source mapping's). */
  ourSqsCalls: number;
  consumerSqsCalls: number;
  /** SendMessage and SendMessageBatch calls by the producer. */
  sendCalls: number;
  /** DynamoDB writes that applied. */
  ddbWrites: number;
  /** DynamoDB writes refused by their condition (billed, but counted apart). */
  ddbConditionFailed: number;
  ddbReads: number;
  /** Capacity units DynamoDB reported for those writes and reads (on-demand bills these). */
  ddbWriteUnits: number;
  ddbReadUnits: number;
  /** The event source mapping's receives that returned messages, and its deletes. */
  esmReceives: number;
  esmEmptyReceives: number;
  esmDeletes: number;
  errors: number;
}
