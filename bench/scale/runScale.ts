import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { plot } from 'asciichart';
import { newEnvelope } from '../../functions/core/newEnvelope.js';
import { LocalPipeline } from '../../local/LocalPipeline.js';
import { within } from '../../local/within.js';
import { round } from '../stats.js';
import { threadCpu } from '../threadCpu.js';
import { sendBurst } from '../throughput.js';
import { judgeScale, type ScaleSample, type ScaleVerdict } from './scaleAnalysis.js';

export interface ScaleOptions {
  tasks: number;
  /** Where the runtime keeps its rows and queues; a fresh temporary dir if not given. */
  dataDir?: string;
  /** Runs without a data dir, as the comparison that shows what persistence costs. */
  inMemory?: boolean;
  /** Tasks per send; the next is sent when fewer than two are waiting. */
  chunk: number;
}

export interface ScaleResult {
  tasks: number;
  inMemory: boolean;
  succeeded: number;
  deadLettered: number;
  seconds: number;
  /**
   * CPU time (user + system) per task, steadier than wall time on a busy machine: every
   * thread, and the main thread alone (Linux only), which runs the pipeline's JavaScript and
   * so bounds its rate on an idle machine.
   */
  cpuMsPerTask: { all: number; mainThread?: number };
  samples: ScaleSample[];
  verdict: ScaleVerdict;
}

const SUCCEEDED = 'noop:succeeded';
const MB = 1024 * 1024;

/**
 * `npm run bench -- --scale N`: N no-op tasks through the local runtime with its rows on
 * disk (`--data-dir`), sampling RSS, heap, event-loop delay and tasks done every second.
 * The producer keeps about two chunks waiting, as a steady source would, so the run
 * measures the runtime at work rather than a queue holding everything.
 */
export async function runScale(
  options: ScaleOptions,
  progress: (line: string) => void,
): Promise<ScaleResult> {
  const inMemory = options.inMemory ?? false;
  const ownDir =
    options.dataDir || inMemory ? undefined : await mkdtemp(join(tmpdir(), 'taskpipe-scale-'));
  const pipeline = await LocalPipeline.start({
    ports: { api: 0, sqs: 0, dynamodb: 0 },
    logLevel: 'SILENT',
    ...(inMemory ? {} : { dataDir: options.dataDir ?? ownDir!, resetDataDir: true }),
  });
  const loop = monitorEventLoopDelay({ resolution: 10 });
  const samples: ScaleSample[] = [];
  const done = () => pipeline.metrics.counts.get(SUCCEEDED) ?? 0;
  const started = Date.now();
  const cpuAtStart = process.cpuUsage();
  const threadsAtStart = threadCpu();
  loop.enable();
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    samples.push({
      t: round((Date.now() - started) / 1000, 1),
      rssMb: round(m.rss / MB, 1),
      heapMb: round(m.heapUsed / MB, 1),
      loopDelayMeanMs: round(loop.mean / 1e6, 2),
      loopDelayMaxMs: round(loop.max / 1e6, 2),
      succeeded: done(),
    });
    loop.reset();
    if (samples.length % 30 === 0) progress(`${done()} of ${options.tasks} done`);
  }, 1000);
  try {
    const queue = pipeline.info.queues.find((q) => q.priority === 'default')!;
    for (let sent = 0; sent < options.tasks; ) {
      const n = Math.min(options.chunk, options.tasks - sent);
      const bodies = Array.from({ length: n }, () =>
        JSON.stringify(newEnvelope({ type: 'noop', payload: {}, priority: 'default' }, Date.now())),
      );
      await sendBurst(pipeline, queue.url, bodies);
      sent += n;
      // Wait until fewer than two chunks are waiting before the next send.
      await within(pipeline.metrics.reached(SUCCEEDED, Math.max(0, sent - options.chunk)), 600_000);
    }
    await within(pipeline.metrics.reached(SUCCEEDED, options.tasks), 600_000);
    const seconds = (Date.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuAtStart);
    const threads = threadCpu();
    const { Attributes } = await pipeline.clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queue.dlqUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    const deadLettered =
      Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
    return {
      tasks: options.tasks,
      inMemory,
      succeeded: done(),
      deadLettered,
      seconds: round(seconds, 1),
      cpuMsPerTask: {
        all: round((cpu.user + cpu.system) / 1000 / options.tasks, 3),
        ...(threads && threadsAtStart
          ? { mainThread: round((threads.mainMs - threadsAtStart.mainMs) / options.tasks, 3) }
          : {}),
      },
      samples,
      verdict: judgeScale(samples),
    };
  } finally {
    clearInterval(sampler);
    loop.disable();
    await pipeline.stop();
    if (ownDir) await rm(ownDir, { recursive: true, force: true });
  }
}

/** Every `step`-th value, so a long run fits the terminal's width. */
function thin(values: number[], width = 100): number[] {
  const step = Math.max(1, Math.ceil(values.length / width));
  return values.filter((_, i) => i % step === 0);
}

export function renderScale(r: ScaleResult): string {
  const v = r.verdict;
  const perSecond = r.samples.map((s, i) =>
    i === 0 ? 0 : s.succeeded - r.samples[i - 1]!.succeeded,
  );
  const chart = (title: string, values: number[]) =>
    `${title}\n${plot(thin(values), { height: 8, format: (x) => x.toFixed(0).padStart(7) })}`;
  return [
    `**Scale, measured**: ${r.tasks.toLocaleString('en-US')} no-op tasks through the local runtime ${r.inMemory ? 'in memory (no data dir)' : 'with its rows on disk'}, in ${r.seconds} s (${round(r.tasks / r.seconds, 1)} tasks/s); a sample every second. CPU per task: ${r.cpuMsPerTask.all} ms${r.cpuMsPerTask.mainThread === undefined ? '' : `, of which ${r.cpuMsPerTask.mainThread} ms on the main thread`} (wall time varies with the machine's load; CPU time much less).`,
    '',
    `- no task lost: ${r.succeeded === r.tasks && r.deadLettered === 0 ? 'yes' : 'NO'} (${r.succeeded} succeeded, ${r.deadLettered} dead-lettered)`,
    `- memory flat: ${v.memoryFlat ? 'yes' : 'NO'} (RSS peak ${v.peakRssMb} MB, trend after warm-up ${round(v.rssSlopeMbPerMin, 2)} MB/min, ${round(v.rssGrowthMb, 1)} MB over the run; heap peak ${v.peakHeapMb} MB, ${round(v.heapSlopeMbPerMin, 2)} MB/min)`,
    `- throughput held: ${v.throughputHeld ? 'yes' : 'NO'} (${round(v.firstHalfTasksPerSecond, 1)} tasks/s in the first half after warm-up, ${round(v.secondHalfTasksPerSecond, 1)} in the second)`,
    '',
    '```',
    chart(
      'RSS MB',
      r.samples.map((s) => s.rssMb),
    ),
    chart(
      'heap used MB',
      r.samples.map((s) => s.heapMb),
    ),
    chart(
      'event-loop delay, max per second, ms',
      r.samples.map((s) => s.loopDelayMaxMs),
    ),
    chart('tasks done per second', perSecond),
    '```',
    '',
  ].join('\n');
}
