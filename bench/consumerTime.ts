import type { SQSEvent } from 'aws-lambda';
import { UNRECORDED_ATTRIBUTE } from '../functions/core/consumer/firstDelivery.js';
import { newEnvelope } from '../functions/core/newEnvelope.js';
import { LOCAL_REGION } from '../local/clients.js';
import { lambdaContext } from '../local/esm/lambdaContext.js';
import { toSqsEvent } from '../local/esm/toSqsEvent.js';
import type { BenchBackend } from './benchBackend.js';
import { createVariant, TIMED_VARIANTS, type TimedVariant } from './consumers.js';
import { median, round } from './stats.js';

export interface ConsumerTimeRow {
  batchSize: number;
  rounds: number;
  /** Median handler time per batch, ms, per variant. */
  medianMs: Record<TimedVariant, number>;
  oursOverFloor: number;
  /** The lower tracking levels over the floor. */
  terminalOverFloor: number;
  failuresOverFloor: number;
  /** Ours over the floor plus two plain writes per task: our code's cost beyond that I/O. */
  oursOverFloorWrites: number;
  oursOverPowertools: number;
}

/** Warm-up rounds per size, not counted: the first batches pay for JIT and connections. */
const WARMUP_ROUNDS = 2;

/**
 * Times one invocation of each consumer on a batch of fresh no-op tasks (sent straight to
 * SQS, so no row exists yet), against the emulators. Variants take turns within each round,
 * in a rotating order, so a noisy moment hits them all; the ratios are of medians.
 */
export async function measureConsumerTime(
  backend: BenchBackend,
  sizes: readonly number[],
  rounds: number,
): Promise<ConsumerTimeRow[]> {
  const { tableName, idempotencyTable } = await backend.tables('bench-time');
  const route = await backend.queue('bench-time');
  const handlers = Object.fromEntries(
    TIMED_VARIANTS.map((v) => [
      v,
      createVariant(v, {
        clients: backend.admin,
        tableName,
        idempotencyTable,
        route,
        recordConcurrency: 10,
      }),
    ]),
  ) as Record<TimedVariant, ReturnType<typeof createVariant>>;

  const rows: ConsumerTimeRow[] = [];
  for (const batchSize of sizes) {
    const samples = Object.fromEntries(TIMED_VARIANTS.map((v) => [v, [] as number[]])) as Record<
      TimedVariant,
      number[]
    >;
    for (let round = 0; round < WARMUP_ROUNDS + rounds; round++) {
      for (let i = 0; i < TIMED_VARIANTS.length; i++) {
        const variant = TIMED_VARIANTS[(round + i) % TIMED_VARIANTS.length]!;
        const event = freshBatch(batchSize, route.arn);
        const context = lambdaContext(`bench-${variant}`, Date.now() + 60_000);
        const started = performance.now();
        const response = await handlers[variant](event, context);
        const elapsed = performance.now() - started;
        if (response.batchItemFailures.length) {
          throw new Error(`${variant} failed ${response.batchItemFailures.length} no-op tasks`);
        }
        if (round >= WARMUP_ROUNDS) samples[variant].push(elapsed);
      }
    }
    const medianMs = Object.fromEntries(
      TIMED_VARIANTS.map((v) => [v, round2(median(samples[v]))]),
    ) as Record<TimedVariant, number>;
    rows.push({
      batchSize,
      rounds,
      medianMs,
      oursOverFloor: round(medianMs.ours / medianMs.floor, 2),
      terminalOverFloor: round(medianMs.oursTerminal / medianMs.floor, 2),
      failuresOverFloor: round(medianMs.oursFailures / medianMs.floor, 2),
      oursOverPowertools: round(medianMs.ours / medianMs.powertools, 2),
      oursOverFloorWrites: round(medianMs.ours / medianMs.floorWrites, 2),
    });
  }
  await backend.dropTables(tableName, idempotencyTable);
  return rows;
}

let sequence = 0;

/**
 * A batch as the event source mapping delivers it, of messages as the TaskClient sends them:
 * its envelopes, marked as having no row (`taskpipe.unrecorded`), first receives.
 */
export function freshBatch(size: number, queueArn: string): SQSEvent {
  const now = Date.now();
  const messages = Array.from({ length: size }, () => {
    sequence++;
    return {
      MessageId: `bench-${sequence}`,
      ReceiptHandle: `bench-receipt-${sequence}`,
      Body: JSON.stringify(newEnvelope({ type: 'noop', payload: {}, priority: 'default' }, now)),
      Attributes: { SentTimestamp: String(now), ApproximateReceiveCount: '1' },
      MessageAttributes: { [UNRECORDED_ATTRIBUTE]: { DataType: 'String', StringValue: '1' } },
    };
  });
  return toSqsEvent(messages, queueArn, LOCAL_REGION);
}

const round2 = (ms: number) => round(ms, 2);
