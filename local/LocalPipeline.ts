import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { isWebhook } from '../definition/alarms.js';
import type { PipelineConfig } from '../definition/checks.js';
import { consumerConcurrencyLimit } from '../definition/concurrency.js';
import { parsePipelineDefinition } from '../definition/parsePipelineDefinition.js';
import { pipelineDefinition } from '../definition/pipeline.js';
import type { PipelineDefinitionInput } from '../definition/schema.js';
import { DynamoFlowStore } from '../functions/adapters/dynamodb/DynamoFlowStore.js';
import { DynamoSentLedger } from '../functions/adapters/dynamodb/DynamoSentLedger.js';
import { SqsQueue } from '../functions/adapters/sqs/SqsQueue.js';
import type { ConsumerConfig } from '../functions/consumer/config.js';
import type { NoticePublisher } from '../functions/core/flow/ports.js';
import { type Clock, systemClock } from '../functions/core/ports.js';
import type { TaskRegistry } from '../functions/core/registry.js';
import { installEmailServices } from '../functions/email/emailServices.js';
import type { MailTransport } from '../functions/email/ports.js';
import type { WebhookKind } from '../functions/notifier/formatters/index.js';
import { registry as appRegistry } from '../functions/tasks/index.js';
import { LocalAlarmRuntime } from './alarms/LocalAlarmRuntime.js';
import { localAlarms } from './alarms/localAlarms.js';
import { LOCAL_REGION, localClients } from './clients.js';
import { Outbox } from './email/Outbox.js';
import { SmtpTransport } from './email/SmtpTransport.js';
import { startLocalEmulators } from './emulators.js';
import {
  EventSourcePoller,
  type InvocationReport,
  type SqsHandler,
} from './esm/EventSourcePoller.js';
import { FunctionConcurrency } from './esm/FunctionConcurrency.js';
import { QueuePauseWatcher } from './esm/QueuePauseWatcher.js';
import { ApiServer } from './http/ApiServer.js';
import { LocalMetrics } from './LocalMetrics.js';
import { alarmStatePart } from './persistence/alarmStatePart.js';
import { LocalPersistence } from './persistence/LocalPersistence.js';
import { addFlowGauges } from './prometheus/flowGauges.js';
import { createLocalResources, type LocalQueue } from './resources.js';
import { type TaskFunctionDeps, type TaskFunctions, taskFunctions } from './taskFunctions.js';
import { DevelopmentKey } from './workflow/DevelopmentKey.js';
import { LocalScheduler } from './workflow/LocalScheduler.js';

export interface LocalPipelineOptions {
  /** 0 picks a free port. */
  ports: { api: number; sqs: number; dynamodb: number };
  definition?: PipelineDefinitionInput;
  registry?: TaskRegistry;
  /** Powertools log level of the functions. @default 'WARN' */
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  onInvocation?: (report: InvocationReport) => void;
  /** The consumer's concurrency limit; batches beyond it are throttled as Lambda does. */
  consumerConcurrency?: number;
  /** Wraps the consumer as the pollers invoke it, to inject faults. @default none */
  wrapHandler?: (handler: SqsHandler) => SqsHandler;
  /** Local alarms: evaluated every `periodSeconds`, sent to `webhook` or printed. */
  alarms?: {
    periodSeconds: number;
    webhook?: { url: string; kind: WebhookKind };
    print: (text: string) => void;
  };
  /** Keeps tasks, queued messages and alarm states here across restarts. @default in memory */
  /** The time long delays are measured against. @default systemClock */
  clock?: Clock;
  dataDir?: string;
  /** Deletes what an earlier run kept in `dataDir` first. @default false */
  resetDataDir?: boolean;
  /** Sends email (email.send, email alarms) to this SMTP server. @default the outbox */
  smtpUrl?: string;
}

/** What the CLI and scripts need to reach a running local pipeline. */
export interface LocalPipelineInfo {
  apiUrl?: string;
  /** The operator console, when it runs. */
  consoleUrl?: string;
  /** The console was started read-only (TASKPIPE_CONSOLE_READ_ONLY). */
  consoleReadOnly?: boolean;
  region: string;
  sqsEndpoint: string;
  dynamodbEndpoint: string;
  tableName: string;
  queues: { priority: string; name: string; url: string; dlqUrl: string; fifo: boolean }[];
  /** The task types this runtime's consumer runs: the CLI refuses any other. */
  taskTypes?: string[];
  pid: number;
  startedAt: string;
  /** The data dir, when state is kept across restarts. */
  dataDir?: string;
  /** The file holding the development key that signs callbacks (`taskpipe callbacks key`). */
  callbackKeyFile?: string;
  /** Where email goes without `SMTP_URL` (`taskpipe outbox` reads it). */
  outboxDir?: string;
  /** The local alarm topic, when alarms run: breakers the CLI and console move are announced there. */
  alarmTopicArn?: string;
}

/**
 * The whole pipeline in one process (DESIGN §7): emulators on loopback, the definition's
 * resources, and one event source poller per queue invoking the same consumer code that
 * runs on Lambda.
 */
export class LocalPipeline {
  /** The timer behind delays over 900 s. */
  scheduler!: LocalScheduler;
  /** The outbox, and where email goes now (the outbox, or the SMTP server). */
  email!: { outbox: Outbox; transport: MailTransport };

  private constructor(
    readonly info: LocalPipelineInfo,
    readonly clients: { sqs: SQSClient; dynamodb: DynamoDBClient },
    readonly config: PipelineConfig,
    readonly metrics: LocalMetrics,
    private readonly pollers: EventSourcePoller[],
    private readonly stoppers: { intake: () => Promise<void>; emulators: () => Promise<void> },
    /** What a reload of the task types builds on. */
    readonly taskFunctionDeps: TaskFunctionDeps,
    private readonly definition: PipelineDefinitionInput,
    private functions: TaskFunctions,
    /** The local alarm path, when started with `alarms`. */
    readonly alarms?: LocalAlarmRuntime,
    /** The data dir; runtime parts register state to keep with `persistence.state`. */
    readonly persistence?: LocalPersistence,
  ) {}

  static async start(options: LocalPipelineOptions): Promise<LocalPipeline> {
    const registry = options.registry ?? appRegistry;
    const config = parsePipelineDefinition(options.definition ?? pipelineDefinition, registry);
    const persistence = options.dataDir
      ? await LocalPersistence.open(options.dataDir, { reset: options.resetDataDir ?? false })
      : undefined;
    const emulators = await startLocalEmulators(options.ports, persistence?.emulators).catch(
      (error: unknown) => {
        persistence?.close();
        throw error;
      },
    );
    try {
      const clients = localClients({
        sqs: emulators.sqsEndpoint,
        dynamodb: emulators.dynamodbEndpoint,
      });
      const { tableName, queues, typeIndex } = await createLocalResources(clients, config);
      persistence?.restoreQueues(emulators.sqsEndpoint);
      const metrics = new LocalMetrics();
      const consumerConfig = toConsumerConfig(config, tableName, queues);
      const logger = new Logger({ serviceName: config.name, logLevel: options.logLevel ?? 'WARN' });
      const keys = DevelopmentKey.open(
        persistence ? { store: persistence.state, dir: persistence.dir.state } : undefined,
      );
      const clock = options.clock ?? systemClock;
      const scheduler = new LocalScheduler({
        queue: new SqsQueue(clients.sqs),
        logger,
        now: () => clock.now(),
        // By the queue's name: the emulator's port may differ from the run that saved it.
        currentUrl: (saved) =>
          queues.find((q) => q.name === saved.slice(saved.lastIndexOf('/') + 1))?.url ?? saved,
        changed: () => persistence?.state.save('schedules'),
      });
      // After the queues are back: a schedule that came due while stopped is sent now.
      persistence?.state.register(scheduler.statePart());
      // Breaker notices go to the alarm topic once the alarm path is up (it starts after the
      // functions); without local alarms they are logged and counted only.
      let alarms: LocalAlarmRuntime | undefined;
      const notices: NoticePublisher = {
        publish: async (notice) => alarms?.notices.publish(notice),
      };
      const flowStore = new DynamoFlowStore({ client: clients.dynamodb, tableName });
      addFlowGauges(metrics.prometheus, flowStore);
      const deps = {
        clients,
        consumerConfig,
        notices,
        maxPayloadBytes: config.api.maxPayloadBytes,
        typeIndex,
        logger,
        metrics,
        scheduler,
        keys,
        clock,
      };
      const email = startLocalEmail(options, persistence?.dir.root);
      installEmailServices({
        transport: email.transport,
        ledger: new DynamoSentLedger({
          client: clients.dynamodb,
          tableName,
          retentionDays: config.table.retentionDays,
        }),
      });
      const functions = taskFunctions(registry, deps);
      // Each batch and request reads the current functions, so a reload swaps them between
      // batches; a batch in flight finishes on the code it started with.
      let pipeline: LocalPipeline | undefined;
      const current = () => pipeline?.functions ?? functions;
      const consumer: SqsHandler = (event, context) => current().consumer(event, context);
      const handler = options.wrapHandler ? options.wrapHandler(consumer) : consumer;
      const concurrency = new FunctionConcurrency(
        options.consumerConcurrency ?? consumerConcurrencyLimit(config),
      );
      const pollers = config.queues.map((q, i) => {
        const queue = queues[i]!;
        return new EventSourcePoller({
          sqs: clients.sqs,
          queue,
          region: LOCAL_REGION,
          handler,
          functionName: `${config.name}-consumer`,
          functionTimeoutMs: config.consumer.timeoutSeconds * 1000,
          batchSize: q.batchSize,
          batchingWindowSeconds: q.batchingWindowSeconds,
          maxConcurrency: q.maxConcurrency,
          concurrency,
          onThrottle: (name, records) => {
            metrics.recordThrottle();
            logger.warn('consumer throttled', { queue: name, records });
          },
          onInvocation: (report) => {
            metrics.recordInvocation(report);
            // Why a whole batch came back: the handler threw, timed out or answered badly.
            if (report.error) {
              logger.warn('consumer invocation failed: the whole batch returns to the queue', {
                queue: report.queue,
                records: report.records,
                error: report.error,
              });
            }
            options.onInvocation?.(report);
          },
          onError: (error) => logger.warn('poller receive failed', { queue: queue.name, error }),
        });
      });
      // A paused queue's poller stays stopped, across restarts too (the pause is in the table).
      const pauses = new QueuePauseWatcher({
        store: flowStore,
        pollers: pollers.map((poller, i) => ({
          priority: config.queues[i]!.priority,
          start: () => poller.start(),
          stop: () => poller.stop(),
        })),
        onError: (error) => logger.warn('reading queue pauses failed', { error }),
        onChange: (priority, paused) =>
          logger.info(paused ? 'queue paused' : 'queue resumed', { queue: priority }),
      });
      const info: LocalPipelineInfo = {
        region: LOCAL_REGION,
        sqsEndpoint: emulators.sqsEndpoint,
        dynamodbEndpoint: emulators.dynamodbEndpoint,
        tableName,
        queues: consumerConfig.queues,
        taskTypes: [...registry.types],
        pid: process.pid,
        startedAt: new Date().toISOString(),
        ...(persistence ? { dataDir: persistence.dir.root } : {}),
        callbackKeyFile: keys.file,
        outboxDir: email.outbox.dir,
      };
      const api = new ApiServer((event, context) => current().api(event, context));
      info.apiUrl = await api.listen(options.ports.api);
      alarms = options.alarms
        ? await LocalAlarmRuntime.start({
            name: config.name,
            sqs: clients.sqs,
            sqsEndpoint: emulators.sqsEndpoint,
            alarms: localAlarms(config, queues, clients.sqs, metrics, emulators.sqsEndpoint),
            closePeriod: () => metrics.closePeriod(),
            periodSeconds: options.alarms.periodSeconds,
            ...(options.alarms.webhook ? { webhook: options.alarms.webhook } : {}),
            print: options.alarms.print,
            email: {
              targets: config.webhooks.filter((t) => !isWebhook(t)),
              transport: email.transport,
            },
            logger,
          })
        : undefined;
      if (alarms) {
        persistence?.state.register(alarmStatePart(alarms.evaluator));
        info.alarmTopicArn = alarms.topicArn;
      }
      // Stop taking work first (API, alarms), then drain the pollers, then the emulators.
      const stopIntake = async () => {
        await pauses.stop();
        await api.close();
        await alarms?.stop();
        scheduler.stop();
      };
      pipeline = new LocalPipeline(
        info,
        clients,
        config,
        metrics,
        pollers,
        {
          intake: stopIntake,
          emulators: async () => {
            await emulators.stop();
            persistence?.close();
            keys.close();
            email.stop();
          },
        },
        deps,
        options.definition ?? pipelineDefinition,
        functions,
        alarms,
        persistence,
      );
      pipeline.scheduler = scheduler;
      pipeline.email = email;
      await pauses.start();
      pollers.forEach((poller, i) => {
        if (!pauses.isPaused(config.queues[i]!.priority)) poller.start();
      });
      return pipeline;
    } catch (error) {
      await emulators.stop();
      persistence?.close();
      throw error;
    }
  }

  /**
   * Runs `next` (task types reloaded) from the next batch and request on, once the
   * definition still resolves to the queues running now; throws, keeping the old ones, if not.
   */
  swapTaskFunctions(next: TaskFunctions): void {
    const config = parsePipelineDefinition(this.definition, next.registry);
    const changed = config.queues.find(
      (q, i) => q.maxReceiveCount !== this.config.queues[i]?.maxReceiveCount,
    );
    if (changed) {
      throw new Error(
        `the ${changed.priority} queue would need maxReceiveCount ${changed.maxReceiveCount}: restart npm start`,
      );
    }
    this.functions = next;
    this.info.taskTypes = [...next.registry.types];
  }

  /** Batches the consumer is working on, across the queues. */
  inFlightBatches(): number {
    return this.pollers.reduce((n, poller) => n + poller.unsettledBatches, 0);
  }

  /**
   * Stops the consumer's pollers and lets in-flight batches finish; the API, the alarms and
   * the emulators keep answering, so the state can be read while nothing changes it.
   */
  async stopConsuming(): Promise<void> {
    await Promise.all(this.pollers.map((p) => p.stop()));
  }

  /** Stops polling, lets in-flight batches finish, then stops the emulators. */
  async stop(): Promise<void> {
    await this.stoppers.intake();
    await Promise.all(this.pollers.map((p) => p.stop()));
    this.clients.sqs.destroy();
    this.clients.dynamodb.destroy();
    await this.stoppers.emulators();
  }
}

/** The outbox (kept in the data dir, else in a temporary dir) and the SMTP server if set. */
function startLocalEmail(options: LocalPipelineOptions, dataDir: string | undefined) {
  const dir = dataDir ? join(dataDir, 'outbox') : mkdtempSync(join(tmpdir(), 'taskpipe-outbox-'));
  const outbox = new Outbox(dir);
  const smtp = options.smtpUrl ? new SmtpTransport(options.smtpUrl) : undefined;
  return {
    outbox,
    transport: smtp ?? outbox,
    stop() {
      installEmailServices(undefined);
      smtp?.close();
      if (!dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function toConsumerConfig(
  config: PipelineConfig,
  tableName: string,
  queues: LocalQueue[],
): ConsumerConfig {
  return {
    tableName,
    queues: queues.map(({ priority, name, url, dlqUrl, fifo }) => ({
      priority,
      name,
      url,
      dlqUrl,
      fifo,
    })),
    retentionDays: config.table.retentionDays,
    maxResultBytes: config.consumer.maxResultBytes,
    recordConcurrency: config.consumer.recordConcurrency,
    safetyMarginMs: config.consumer.safetyMarginMs,
    emailMaxSendRate: config.email.maxSendRate,
    serviceName: config.name,
    metricsNamespace: 'Taskpipe',
  };
}
