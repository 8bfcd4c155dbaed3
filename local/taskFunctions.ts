import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDedupWindowStore } from '../functions/adapters/dynamodb/DynamoDedupWindowStore.js';
import { DynamoFlowStore } from '../functions/adapters/dynamodb/DynamoFlowStore.js';
import { DynamoGroupStore } from '../functions/adapters/dynamodb/DynamoGroupStore.js';
import { DynamoTaskStore } from '../functions/adapters/dynamodb/DynamoTaskStore.js';
import { SqsQueue } from '../functions/adapters/sqs/SqsQueue.js';
import { createApi } from '../functions/api/createApi.js';
import type { ConsumerConfig } from '../functions/consumer/config.js';
import { createConsumer } from '../functions/consumer/createConsumer.js';
import { flowControlGates } from '../functions/consumer/flowControlGates.js';
import { breakerAnnouncements } from '../functions/core/flow/breakerAnnouncements.js';
import { FlowAdmin } from '../functions/core/flow/FlowAdmin.js';
import type { FlowMetrics, NoticePublisher } from '../functions/core/flow/ports.js';
import {
  type Clock,
  type Logger,
  type SchedulerPort,
  type SigningKeys,
  systemClock,
  type TaskMetrics,
} from '../functions/core/ports.js';
import type { TaskRegistry } from '../functions/core/registry.js';
import { TaskService } from '../functions/core/service/TaskService.js';
import { tracedLogger } from '../functions/core/trace/traceScope.js';
import { GroupService } from '../functions/core/workflow/GroupService.js';
import type { SqsHandler } from './esm/EventSourcePoller.js';
import type { ApiHandler } from './http/ApiServer.js';

/** What the consumer and the API are built on; it outlives a reload of the task types. */
export interface TaskFunctionDeps {
  clients: { sqs: SQSClient; dynamodb: DynamoDBClient };
  consumerConfig: ConsumerConfig;
  maxPayloadBytes: number;
  /** The table has the opt-in `byType` index: the API and console list a type from it. */
  typeIndex?: boolean;
  logger: Logger;
  metrics: TaskMetrics & FlowMetrics & { flush(): void };
  /** Breakers' openings and closings: the local alarm topic, when alarms run. */
  notices?: NoticePublisher;
  /** Long delays: the local timer. */
  scheduler?: SchedulerPort;
  /** Callback signing: the development key. */
  keys?: SigningKeys;
  clock?: Clock;
}

/** The code that depends on the task types: the consumer, the API, and their registry. */
export interface TaskFunctions {
  registry: TaskRegistry;
  consumer: SqsHandler;
  api: ApiHandler;
}

/** Builds the consumer and the API for `registry`, as the two Lambda functions would. */
export function taskFunctions(registry: TaskRegistry, deps: TaskFunctionDeps): TaskFunctions {
  const { clients, consumerConfig, maxPayloadBytes } = deps;
  const logger = tracedLogger(deps.logger);
  const { tableName, retentionDays } = consumerConfig;
  const queue = new SqsQueue(clients.sqs);
  const groups = new DynamoGroupStore({ client: clients.dynamodb, tableName, retentionDays });
  // The consumer's transitions and the operator's (API, console) are told alike.
  const breakerEvents = breakerAnnouncements({
    pipeline: consumerConfig.serviceName,
    logger,
    metrics: deps.metrics,
    ...(deps.notices ? { notices: deps.notices } : {}),
  });
  // No default email send rate here: local email goes to the outbox or SMTP, not SES, and
  // SES's sandbox rate would hold a local campaign of 1,000 emails for 17 minutes.
  const consumer = createConsumer({
    config: consumerConfig,
    registry,
    groups,
    store: new DynamoTaskStore({
      client: clients.dynamodb,
      tableName,
      retentionDays,
      maxResultBytes: consumerConfig.maxResultBytes,
    }),
    queue,
    logger,
    metrics: deps.metrics,
    ...flowControlGates({
      client: clients.dynamodb,
      tableName,
      retentionDays,
      clock: systemClock,
      logger,
      breakerEvents,
    }),
    ...(deps.keys ? { keys: deps.keys } : {}),
  });
  const store = new DynamoTaskStore({
    client: clients.dynamodb,
    tableName,
    retentionDays,
    typeIndex: deps.typeIndex ?? false,
  });
  const routes = consumerConfig.queues;
  const service = new TaskService({
    registry,
    logger,
    routes,
    maxPayloadBytes,
    store,
    queue,
    dedupWindows: new DynamoDedupWindowStore(clients.dynamodb, tableName),
    retentionDays,
    ...(deps.scheduler ? { scheduler: deps.scheduler } : {}),
    ...(deps.clock ? { clock: deps.clock } : {}),
    // Locally a callback may name no secret: the development key signs it.
    callbackSecretRequired: false,
  });
  const groupService = new GroupService({
    registry,
    logger,
    routes,
    maxPayloadBytes,
    store,
    groups,
    queue,
    clock: systemClock,
    callbackSecretRequired: false,
  });
  return {
    registry,
    consumer,
    api: createApi({
      logger,
      maxPayloadBytes,
      service,
      groups: groupService,
      // Locally the runtime stops a paused queue's poller when it sees the pause.
      flow: new FlowAdmin({
        store: new DynamoFlowStore({ client: clients.dynamodb, tableName }),
        clock: systemClock,
        routes,
        registry,
        queueSwitch: 'watched',
        events: breakerEvents,
      }),
    }),
  };
}

/**
 * Imports the registry module at `registryUrl` and builds on it. Loaded through a fresh
 * module graph, this file brings its own copy of the core, so the error classes the new
 * task types throw are the ones the new consumer recognises.
 */
export async function loadTaskFunctions(
  registryUrl: string,
  deps: TaskFunctionDeps,
): Promise<TaskFunctions> {
  const loaded = (await import(registryUrl)) as { registry?: TaskRegistry };
  if (!loaded.registry) throw new Error(`${registryUrl} exports no \`registry\``);
  return taskFunctions(loaded.registry, deps);
}
