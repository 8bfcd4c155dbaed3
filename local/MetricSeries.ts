import type { TaskMetrics } from '../functions/core/ports.js';

type MetricEvent = Parameters<TaskMetrics['record']>[0];

interface Bucket {
  start: number;
  succeeded: number;
  failed: number;
  durations: number[];
}

/** One bucket's figures; percentiles over the handler durations of the bucket's tasks. */
export interface SeriesPoint {
  /** Bucket start, epoch ms. */
  start: number;
  succeeded: number;
  failed: number;
  p50?: number;
  p95?: number;
  p99?: number;
}

/** Durations kept per bucket: enough for percentiles, bounded under load. */
const MAX_SAMPLES = 2_000;

/**
 * The local runtime's time series for the console's charts: outcomes and handler
 * durations in fixed buckets over a sliding window (what CloudWatch keeps on AWS).
 */
export class MetricSeries {
  #buckets: Bucket[] = [];
  #seen = 0;

  constructor(
    readonly bucketMs = 10_000,
    readonly windowMs = 3_600_000,
    private readonly now: () => number = Date.now,
  ) {}

  record(event: MetricEvent): void {
    if (event.outcome !== 'succeeded' && event.outcome !== 'failed' && event.outcome !== 'poison')
      return;
    const bucket = this.#current();
    if (event.outcome === 'succeeded') bucket.succeeded++;
    else bucket.failed++;
    if (event.durationMs === undefined) return;
    // Reservoir sampling keeps a fair sample once a bucket is full.
    this.#seen++;
    if (bucket.durations.length < MAX_SAMPLES) bucket.durations.push(event.durationMs);
    else {
      const slot = Math.floor(Math.random() * this.#seen);
      if (slot < MAX_SAMPLES) bucket.durations[slot] = event.durationMs;
    }
  }

  /** Every bucket of the window, oldest first, empty ones included. */
  points(): SeriesPoint[] {
    const end = this.#startOf(this.now());
    const first = end - this.windowMs + this.bucketMs;
    const byStart = new Map(this.#buckets.map((b) => [b.start, b]));
    const out: SeriesPoint[] = [];
    for (let start = first; start <= end; start += this.bucketMs) {
      const b = byStart.get(start);
      if (!b) {
        out.push({ start, succeeded: 0, failed: 0 });
        continue;
      }
      const sorted = [...b.durations].sort((x, y) => x - y);
      const at = (p: number) =>
        sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
      out.push({
        start,
        succeeded: b.succeeded,
        failed: b.failed,
        ...(sorted.length ? { p50: at(0.5), p95: at(0.95), p99: at(0.99) } : {}),
      });
    }
    return out;
  }

  #current(): Bucket {
    const start = this.#startOf(this.now());
    const last = this.#buckets.at(-1);
    if (last?.start === start) return last;
    const bucket = { start, succeeded: 0, failed: 0, durations: [] };
    this.#seen = 0;
    this.#buckets.push(bucket);
    const oldest = start - this.windowMs;
    while (this.#buckets.length && this.#buckets[0]!.start <= oldest) this.#buckets.shift();
    return bucket;
  }

  #startOf(t: number): number {
    return t - (t % this.bucketMs);
  }
}
