import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { LocalPipeline } from '../local/LocalPipeline.js';
import { within } from '../local/within.js';
import { checkAimed } from './aimedInvariants.js';
import { enqueueAimed } from './aimedTasks.js';
import { CallbackReceiver } from './CallbackReceiver.js';
import { ChaosClock } from './ChaosClock.js';
import { ChaosEndpoint } from './ChaosEndpoint.js';
import { ClockedDrain } from './ClockedDrain.js';
import { checkCallbacks } from './callbackInvariants.js';
import { CHAOS_DEFINITION } from './chaosDefinition.js';
import { chaosRegistry, WORK_TYPES } from './chaosTasks.js';
import { enqueueDelayed } from './delayedLoad.js';
import { checkDelays } from './delayInvariants.js';
import { type DrainBound, drainBoundFor, drainGivesUp } from './drainBound.js';
import { DEFAULT_RATES, FaultLog, type FaultRates } from './faults.js';
import { drainDeadLetters, observerClients, queueDepth, scanTasks } from './finalState.js';
import { withHandlerFaults } from './handlerFaults.js';
import { checkInvariants } from './invariants.js';
import { injectLateWrites } from './lateWriteFault.js';
import { type ChaosSummary, renderReport } from './report.js';
import { restartRuntime, restartsAt } from './restartFault.js';
import { seededStream } from './rng.js';
import { SideEffectLedger } from './SideEffectLedger.js';
import { injectBatchSendFaults, injectDynamoFaults } from './sdkFaults.js';
import { checkWorkflows } from './workflowInvariants.js';
import { enqueueWorkflows } from './workflowLoad.js';
import { enqueueWorkload } from './workload.js';

export interface ChaosOptions {
  tasks: number;
  seed?: number;
  rates?: Partial<FaultRates>;
  /** @default drainBoundFor(tasks) */
  drainBound?: DrainBound;
  /** Progress lines while draining. */
  log?: (line: string) => void;
}

export interface ChaosResult extends ChaosSummary {
  passed: boolean;
  report: string;
}

const DRAIN_POLL_MS = 500;
/** The DLQ notice travels SNS → queue → notifier → webhook; it may take this long. */
const NOTICE_WAIT_MS = 10_000;
const isDlqAlarm = (n: { name: string; state: string }) =>
  n.name.endsWith('-dlq-not-empty') && n.state === 'ALARM';

/**
 * Runs the local pipeline under every fault at once, drains the workload and checks the
 * invariants. Never throws for a failed invariant: the result says which one failed.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const started = Date.now();
  const seed = options.seed ?? 1;
  const rates: FaultRates = { ...DEFAULT_RATES, ...options.rates };
  const drainBound = options.drainBound ?? drainBoundFor(options.tasks);
  const log = options.log ?? (() => undefined);
  const unhandled: string[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(String(reason));
  process.on('unhandledRejection', onUnhandled);

  const faults = new FaultLog();
  const ledger = new SideEffectLedger();
  const random = seededStream(seed);
  const endpoint = new ChaosEndpoint(seed, rates, faults);
  await endpoint.listen();
  const clock = new ChaosClock();
  const receiver = new CallbackReceiver(faults, onUnhandled);
  await receiver.reserve();
  // The runtime keeps its state here, so the restart fault can stop and start it.
  const dataDir = await mkdtemp(join(tmpdir(), 'taskpipe-chaos-'));
  const carriedCounts = new Map<string, number>();
  // Filled as the aimed tasks are sent; the late-write fault holds their retry writes.
  const leaseIds = new Set<string>();
  const readers: { destroy(): void }[] = [];
  let restarting = false;
  const holding = { count: 0 };
  let pipeline: LocalPipeline | undefined;
  const target = () =>
    pipeline && {
      sqs: pipeline.clients.sqs,
      urlOf: (name: string) => pipeline!.info.queues.find((q) => q.name === name)?.url ?? '',
    };
  const start = async () => {
    const started = await LocalPipeline.start({
      ports: { api: 0, sqs: 0, dynamodb: 0 },
      dataDir,
      definition: CHAOS_DEFINITION,
      clock,
      registry: chaosRegistry({
        seed,
        rates,
        ledger,
        faults,
        clock,
        callbackRefused: (url, taskId) => void receiver.refused(url, taskId),
      }),
      logLevel: 'SILENT',
      wrapHandler: (handler) =>
        withHandlerFaults(handler, { rates, random, faults, target, onError: onUnhandled }),
      // Evaluated on demand at the end, so no timer decides the outcome.
      alarms: {
        periodSeconds: 3600,
        webhook: { url: `${endpoint.url}/alarms`, kind: 'generic' },
        print: () => undefined,
      },
    });
    injectDynamoFaults(started.clients.dynamodb, rates.dynamodb, random, faults);
    injectBatchSendFaults(started.clients.sqs, rates['sqs-send'], random, faults);
    const reader = observerClients(started.info);
    readers.push(reader.sqs, reader.dynamodb);
    injectLateWrites(started.clients.dynamodb, reader.dynamodb, leaseIds, {
      ledger,
      faults,
      restarting: () => restarting,
      holding,
    });
    return started;
  };
  try {
    pipeline = await start();
    let observer = observerClients(pipeline.info);
    // The data dir keeps the development key: the same one signs after a restart.
    await receiver.useKeyFile(pipeline.info.callbackKeyFile!);

    const t0 = Date.now();
    const cpu0 = process.cpuUsage();
    const cpuMs = () => {
      const { user, system } = process.cpuUsage(cpu0);
      return (user + system) / 1000;
    };
    const workload = await enqueueWorkload({
      tasks: options.tasks,
      seed,
      rates,
      info: pipeline.info,
      endpoint,
      faults,
      callbackUrl: receiver.url,
    });
    const aimed = await enqueueAimed({
      tasks: options.tasks,
      seed,
      rates,
      info: pipeline.info,
      faults,
      leaseIds,
    });
    for (const ids of aimed.ids.values()) for (const id of ids) workload.enqueued.add(id);
    for (const id of aimed.ids.get('lease-lost') ?? []) leaseIds.add(id);
    // Small groups and short chains: a few per 250 tasks, at least three of each.
    const flowCount = Math.max(3, Math.round(options.tasks / 250));
    const flows = await enqueueWorkflows({
      apiUrl: pipeline.info.apiUrl!,
      groups: flowCount,
      chains: flowCount,
      firstN: options.tasks,
      seed,
      ...(rates['callback-down'] > 0 ? { callbackUrl: receiver.url } : {}),
    });
    const delayed = await enqueueDelayed({
      tasks: options.tasks,
      seed,
      rates,
      apiUrl: pipeline.info.apiUrl!,
      clock,
      // Past the workload's and the workflows' numbers, so they draw faults of their own.
      firstN: 2 * options.tasks + 1_000,
      callbackUrl: receiver.url,
      faults,
    });
    for (const task of delayed) workload.enqueued.add(task.id);
    log(`enqueued ${workload.enqueued.size} tasks in ${Date.now() - t0} ms; draining`);
    let drainMs: number | undefined;
    let depth = Number.POSITIVE_INFINITY;
    let restarts = 0;
    const clocked = new ClockedDrain(clock);
    // A stall is time with no drop in depth; a restart's downtime is not one.
    let lastDrop = Date.now();
    let longestStallMs = 0;
    // Two empty readings in a row: the counts are approximate, as on SQS.
    for (
      let poll = 0, empty = 0;
      !drainGivesUp({ cpuMs: cpuMs(), longestStallMs }, drainBound);
      await delay(DRAIN_POLL_MS)
    ) {
      // A clean stop waits for a held late write, whose newer attempt cannot come while the
      // runtime is down: a restart then would leave the lease-lost fault with nothing to show.
      if (restartsAt(seed, rates.restart, poll++, restarts) && holding.count === 0) {
        const down = Date.now();
        restarting = true;
        // The clock moves while the runtime is down: schedules due meanwhile are sent on start.
        const startLater = clocked.restarting(pipeline, start);
        pipeline = await restartRuntime(pipeline, startLater, faults, carriedCounts);
        restarting = false;
        restarts++;
        lastDrop += Date.now() - down;
        log(`  restarted the runtime on ${dataDir} (down ${Date.now() - down} ms)`);
        observer.sqs.destroy();
        observer.dynamodb.destroy();
        observer = observerClients(pipeline.info);
      }
      const previous = depth;
      const left = await clocked.step(pipeline, () => queueDepth(observer, pipeline!.info));
      depth = left.depth;
      if (depth < previous || left.waiting) lastDrop = Date.now();
      longestStallMs = Math.max(longestStallMs, Date.now() - lastDrop);
      empty = depth === 0 ? empty + 1 : 0;
      if (empty === 2) {
        drainMs = Date.now() - t0;
        break;
      }
      if ((Date.now() - t0) % 10_000 < DRAIN_POLL_MS) log(`  ${depth} messages left`);
    }
    const drainCpuMs = cpuMs();
    // Nothing runs while the state is read, so rows, ledger and counts describe one moment,
    // drained or not.
    await pipeline.stopConsuming();

    await pipeline.alarms?.evaluateNow();
    await within(endpoint.noticeMatching(isDlqAlarm), NOTICE_WAIT_MS);
    const taskRows = await scanTasks(observer, pipeline.info);
    const deadLetters = await drainDeadLetters(observer, pipeline.info);
    for (const [key, n] of pipeline.metrics.counts)
      carriedCounts.set(key, (carriedCounts.get(key) ?? 0) + n);
    const counts = carriedCounts;
    const workflows = checkWorkflows(flows, taskRows, ledger);
    for (const id of workflows.ids) workload.enqueued.add(id);
    const callbacks = checkCallbacks({
      taskIds: [
        ...workload.callbacks,
        ...delayed.filter((t) => t.callback && !t.cancelled).map((t) => t.id),
      ],
      groups: flows.groups,
      tasks: taskRows,
      received: receiver.received,
      refusals: receiver.refusals,
    });
    for (const id of callbacks.ids) workload.enqueued.add(id);
    const invariants = checkInvariants({
      workload,
      tasks: taskRows,
      deadLetters,
      ledger,
      succeededCount: Object.values(WORK_TYPES)
        .map((type) => counts.get(`${type}:succeeded`) ?? 0)
        .reduce((a, b) => a + b, 0),
      drain: { drainMs, cpuMs: drainCpuMs, longestStallMs },
      drainBound,
      queueDepth: depth,
      notices: endpoint.notices,
      unhandled,
    }).concat(
      workflows.invariants,
      checkAimed({
        aimed,
        ledger,
        tasks: taskRows,
        deadLetters,
        storeFaulted: faults.tallies.get('dynamodb')!.tasks,
      }),
      checkDelays({
        delayed,
        ledger,
        tasks: taskRows,
        pendingSchedules: pipeline.scheduler.pending().map((s) => s.name),
        heldAcrossRestarts: clocked.heldAcrossRestarts,
      }),
      callbacks.invariant,
    );
    observer.sqs.destroy();
    observer.dynamodb.destroy();
    const summary: ChaosSummary = {
      tasks: options.tasks,
      seed,
      rates,
      faults,
      invariants,
      taskRows,
      poisonSent: workload.poisonSent,
      poisonInDlq: deadLetters.filter((d) => d.reason === 'poison').length,
      resubmitted: workload.resubmitted,
      runtimeMs: Date.now() - started,
    };
    return {
      ...summary,
      passed: invariants.every((i) => i.pass),
      report: renderReport(summary),
    };
  } finally {
    await pipeline?.stop();
    await endpoint.close();
    await receiver.close();
    for (const reader of readers) reader.destroy();
    await rm(dataDir, { recursive: true, force: true });
    process.off('unhandledRejection', onUnhandled);
  }
}
