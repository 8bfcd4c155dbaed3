import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { DynamoTaskStore } from '../../functions/adapters/dynamodb/DynamoTaskStore.js';
import { SqsQueue } from '../../functions/adapters/sqs/SqsQueue.js';
import { createApi } from '../../functions/api/createApi.js';
import { type Logger, systemClock, type TaskStore } from '../../functions/core/ports.js';
import type { TaskRegistry } from '../../functions/core/registry.js';
import { TaskService } from '../../functions/core/service/TaskService.js';
import { GroupService } from '../../functions/core/workflow/GroupService.js';
import type { GroupStore } from '../../functions/core/workflow/types.js';
import { type Pipeline, silentLogger } from './consumerHarness.js';

export interface ApiResponse {
  status: number;
  headers: Record<string, unknown>;
  // biome-ignore lint/suspicious/noExplicitAny: tests read response JSON freely
  body: any;
}

export interface ApiUnderTest {
  call(event: APIGatewayProxyEventV2): Promise<ApiResponse>;
  /** Waits passed to the batch retry, in order: the backoff is computed, not slept. */
  waits: number[];
}

/** The API over a pipeline's table and queues (`default` = standard, `fifo` = FIFO). */
export function buildApi(
  p: Pipeline,
  registry: TaskRegistry,
  options: {
    sqs?: SQSClient;
    store?: TaskStore;
    maxPayloadBytes?: number;
    logger?: Logger;
    /** Serves `/groups` on this group store. */
    groups?: GroupStore;
  } = {},
): ApiUnderTest {
  const waits: number[] = [];
  const maxPayloadBytes = options.maxPayloadBytes ?? 262_144;
  const logger = options.logger ?? silentLogger;
  const store =
    options.store ?? new DynamoTaskStore({ client: p.backend.dynamodb, tableName: p.tableName });
  const queue = new SqsQueue(options.sqs ?? p.backend.sqs);
  const routes = [p.standard.route, p.fifo.route];
  const api = createApi({
    logger,
    maxPayloadBytes,
    ...(options.groups
      ? {
          groups: new GroupService({
            registry,
            logger,
            store,
            queue,
            routes,
            maxPayloadBytes,
            groups: options.groups,
            clock: systemClock,
          }),
        }
      : {}),
    service: new TaskService({
      registry,
      logger,
      store,
      queue,
      routes,
      maxPayloadBytes,
      batchRetry: { attempts: 4, baseMs: 100, capMs: 1_000 },
      wait: async (ms) => {
        waits.push(ms);
      },
    }),
  });
  return {
    waits,
    async call(event) {
      const response = await api(event);
      return {
        status: response.statusCode ?? 0,
        headers: response.headers ?? {},
        body: response.body ? JSON.parse(response.body) : undefined,
      };
    },
  };
}

/** Items in the pipeline's task table (a Scan: fine for a test table). */
export async function taskCount(p: Pipeline): Promise<number> {
  const out = await p.backend.dynamodb.send(
    new ScanCommand({ TableName: p.tableName, Select: 'COUNT', ConsistentRead: true }),
  );
  return out.Count ?? 0;
}

/** A logger that keeps every line as JSON text, to prove what is (not) logged. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const keep =
    (level: string) =>
    (message: string, ...extra: Record<string, unknown>[]) => {
      lines.push(
        JSON.stringify({ level, message, extra }, (_k, v) =>
          v instanceof Error ? { name: v.name, message: v.message } : v,
        ),
      );
    };
  return {
    lines,
    debug: keep('debug'),
    info: keep('info'),
    warn: keep('warn'),
    error: keep('error'),
  };
}
