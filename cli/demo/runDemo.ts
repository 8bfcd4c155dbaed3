import { setTimeout as sleep } from 'node:timers/promises';
import type { Message } from '@aws-sdk/client-sqs';
import { DLQ_ATTRIBUTE } from '../../functions/core/consumer/deadLetterAttributes.js';
import { MAX_BATCH_TASKS } from '../../functions/core/service/requests.js';
import { type TaskRecord, TERMINAL_STATUSES } from '../../functions/core/status.js';
import type { Output } from '../output.js';
import { progressBar } from '../progress.js';
import { attribute, peekMessages } from '../queues.js';
import { allTasks } from '../stats/allTasks.js';
import { type Percentiles, percentiles, summarizeTasks } from '../stats/summarizeTasks.js';
import type { Target } from '../target.js';
import { startFlakyEndpoint } from './flakyEndpoint.js';
import { settleUnfinished } from './settleUnfinished.js';
import { demoWorkload } from './workload.js';

export interface DemoOptions {
  tasks: number;
  timeoutSeconds: number;
  seed: number;
  /** Aborted by Ctrl-C: the demo stops waiting and settles what it left unfinished. */
  signal?: AbortSignal;
}

export interface DemoResult {
  tasks: number;
  enqueued: number;
  notEnqueued: number;
  byStatus: Record<string, number>;
  /** Sent raw to SQS, not a task: it has no status row, only a DLQ copy. */
  poison: { sent: number; deadLettered: number };
  latencyMs: Percentiles;
  durationMs: Percentiles;
  /** Tasks ended per second, from the first enqueue to the last finish. */
  throughputPerSecond?: number;
  elapsedMs: number;
  deadLetters: { total: number; byReason: Record<string, number> };
  endpoint: Record<string, number>;
  timedOut: boolean;
  /** Stopped by Ctrl-C before every task ended. */
  stopped: boolean;
  unfinished: number;
  /** Unfinished tasks cancelled before the demo endpoint closed. */
  cancelled: number;
}

const POLL_MS = 500;

/** Enqueues the demo's mix through the task service, waits for every task, and sums up. */
export async function runDemo(
  target: Target,
  out: Output,
  options: DemoOptions,
): Promise<DemoResult> {
  const endpoint = await startFlakyEndpoint();
  try {
    const runId = `demo-${Date.now().toString(36)}`;
    const priorities = target.routes.map((r) => r.priority);
    const requests = demoWorkload(options.tasks, endpoint.url, options.seed, priorities);
    const started = Date.now();
    const ids = new Set<string>();
    let notEnqueued = 0;
    for (let i = 0; i < requests.length; i += MAX_BATCH_TASKS) {
      const results = await target.service.enqueueBatch(requests.slice(i, i + MAX_BATCH_TASKS));
      for (const r of results) {
        if (r.ok) ids.add(r.taskId);
        else notEnqueued++;
      }
    }
    const poisonBody = `${runId}: this body is not a task envelope`;
    const route = target.routes.find((r) => r.priority === 'default') ?? target.routes[0]!;
    await target.queue.send(route.url, poisonBody);
    out.note(
      `enqueued ${ids.size} task(s) and 1 poison message; waiting up to ${options.timeoutSeconds} s for them to finish`,
    );

    const deadline = started + options.timeoutSeconds * 1_000;
    const bar = progressBar(out, 'demo', ids.size);
    let mine: TaskRecord[] = [];
    let finished = 0;
    try {
      for (;;) {
        mine = (await allTasks(target.service)).filter((t) => ids.has(t.id));
        finished = mine.filter((t) => TERMINAL_STATUSES.has(t.status)).length;
        bar.update(finished);
        if (finished === ids.size || Date.now() > deadline || options.signal?.aborted) break;
        await sleep(POLL_MS);
      }
    } finally {
      bar.stop();
    }
    // The demo endpoint closes below: whatever still waits is cancelled rather than left to
    // fail against it.
    const settled =
      finished < ids.size ? await settleUnfinished(target, ids) : { cancelled: 0, stillRunning: 0 };
    if (settled.cancelled > 0) {
      mine = (await allTasks(target.service)).filter((t) => ids.has(t.id));
      out.note(`cancelled ${settled.cancelled} unfinished demo task(s): the demo endpoint closes`);
    }
    const summary = summarizeTasks(mine);
    // Each FAILED task was copied to a DLQ before it was recorded; the poison one has no row.
    const expected = summary.byStatus.FAILED + 1;
    let letters: Message[] = [];
    for (;;) {
      letters = await ourDeadLetters(target, ids, poisonBody);
      if (letters.length >= expected || Date.now() > deadline || options.signal?.aborted) break;
      await sleep(POLL_MS);
    }
    const byReason: Record<string, number> = {};
    for (const m of letters) {
      const reason = attribute(m, DLQ_ATTRIBUTE.reason) ?? '(none)';
      byReason[reason] = (byReason[reason] ?? 0) + 1;
    }
    const ends = mine.map((t) => t.finishedAt).filter((t): t is number => t !== undefined);
    const spanMs = ends.length > 0 ? Math.max(...ends) - started : 0;
    return {
      tasks: options.tasks,
      enqueued: ids.size,
      notEnqueued,
      byStatus: summary.byStatus,
      poison: { sent: 1, deadLettered: letters.filter((m) => m.Body === poisonBody).length },
      latencyMs: summary.latencyMs,
      durationMs: percentiles(
        mine.flatMap((t) => (t.durationMs === undefined ? [] : [t.durationMs])),
      ),
      ...(spanMs > 0
        ? { throughputPerSecond: Number((finished / (spanMs / 1_000)).toFixed(1)) }
        : {}),
      elapsedMs: Date.now() - started,
      deadLetters: { total: letters.length, byReason },
      endpoint: Object.fromEntries([...endpoint.answered].map(([s, n]) => [String(s), n])),
      timedOut: finished < ids.size && !options.signal?.aborted,
      stopped: options.signal?.aborted ?? false,
      unfinished: ids.size - finished,
      cancelled: settled.cancelled,
    };
  } finally {
    await endpoint.close();
  }
}

/** This run's messages in every DLQ (its tasks' copies and its poison body), peeked. */
async function ourDeadLetters(target: Target, ids: Set<string>, poisonBody: string) {
  const all = await Promise.all(target.routes.map((r) => peekMessages(target.sqs, r.dlqUrl)));
  return all
    .flat()
    .filter((m) => m.Body === poisonBody || ids.has(attribute(m, DLQ_ATTRIBUTE.taskId) ?? ''));
}
