import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { DynamoTaskStore } from '../functions/adapters/dynamodb/DynamoTaskStore.js';
import { SqsQueue } from '../functions/adapters/sqs/SqsQueue.js';
import { type ApiHandler, createApi } from '../functions/api/createApi.js';
import { json } from '../functions/api/routes.js';
import { TaskClient } from '../functions/client/TaskClient.js';
import type { QueueRoute } from '../functions/core/ports.js';
import { TaskService } from '../functions/core/service/TaskService.js';
import { registry } from '../functions/tasks/index.js';
import { toApiGatewayEvent } from '../local/http/toApiGatewayEvent.js';
import { silentLogger, type Variant } from './consumers.js';

export type Path = 'api' | 'sqs';
export type Mode = 'single' | 'batch';

/** Tasks per API batch request or `enqueueMany` call (SQS takes ten per SendMessageBatch). */
export const ENQUEUE_BATCH = 100;

export interface ProducerRun {
  /** API function invocations (0 on the SQS-direct path). */
  apiInvocations: number;
  /** Handler time of each API invocation, ms. */
  apiMs: number[];
}

export interface ProducerSetup {
  clients: { sqs: SQSClient; dynamodb: DynamoDBClient };
  tableName: string;
  route: QueueRoute;
  /** Padding added to each no-op payload (the no-op ignores it). @default 0 */
  payloadBytes?: number;
}

/** A no-op task; `pad` bytes of padding make its payload realistic in size. */
const noopTask = (pad = 0) =>
  ({ type: 'noop', payload: pad > 0 ? { pad: 'x'.repeat(pad) } : {} }) as const;

/**
 * Enqueues `count` no-op tasks by one path: through the API function (ours, or for the
 * floor an API that only sends) or straight to SQS with the TaskClient.
 */
export async function enqueueTasks(
  variant: Variant,
  path: Path,
  mode: Mode,
  count: number,
  setup: ProducerSetup,
): Promise<ProducerRun> {
  const client = new TaskClient({ registry, sqs: setup.clients.sqs, queues: [setup.route] });
  const run: ProducerRun = { apiInvocations: 0, apiMs: [] };
  const chunks = chunk(count, mode === 'single' ? 1 : ENQUEUE_BATCH);
  const task = noopTask(setup.payloadBytes);
  if (path === 'sqs') {
    // Straight to SQS nothing stores the payload, so its size changes no DynamoDB figure.
    const empty = { type: 'noop', payload: {} } as const;
    for (const size of chunks) {
      if (mode === 'single') await client.enqueue('noop', {});
      else expectAllOk(await client.enqueueMany(Array.from({ length: size }, () => empty)));
    }
    return run;
  }
  // The floor keeps no status, so its API writes no row: it only sends.
  const api = variant === 'floor' ? floorApi(client) : ourApi(setup);
  for (const size of chunks) {
    const body = mode === 'single' ? task : { tasks: Array.from({ length: size }, () => task) };
    const event = apiEvent(mode === 'single' ? '/tasks' : '/tasks/batch', body);
    const started = performance.now();
    const response = await api(event);
    run.apiMs.push(performance.now() - started);
    run.apiInvocations++;
    if ((response.statusCode ?? 500) >= 300) {
      throw new Error(`API answered ${response.statusCode}: ${response.body}`);
    }
  }
  return run;
}

function ourApi(setup: ProducerSetup): ApiHandler {
  const { sqs, dynamodb } = setup.clients;
  return createApi({
    logger: silentLogger,
    maxPayloadBytes: 262_144,
    service: new TaskService({
      registry,
      logger: silentLogger,
      routes: [setup.route],
      store: new DynamoTaskStore({ client: dynamodb, tableName: setup.tableName }),
      queue: new SqsQueue(sqs),
    }),
  });
}

/** The floor's API: parse the body and send; no row, no validation beyond the client's. */
function floorApi(client: TaskClient<typeof registry>): ApiHandler {
  return async (event) => {
    const body = JSON.parse(event.body ?? '{}');
    if (event.rawPath.endsWith('/batch')) {
      return json(200, { results: await client.enqueueMany(body.tasks) });
    }
    return json(202, await client.enqueue(body.type, body.payload));
  };
}

function apiEvent(path: string, body: unknown): APIGatewayProxyEventV2 {
  return toApiGatewayEvent({
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/json', host: '127.0.0.1' },
    body: Buffer.from(JSON.stringify(body)),
    sourceIp: '127.0.0.1',
  });
}

function expectAllOk(results: readonly { ok: boolean }[]): void {
  const failed = results.filter((r) => !r.ok).length;
  if (failed) throw new Error(`${failed} tasks were not enqueued`);
}

function chunk(count: number, size: number): number[] {
  const sizes: number[] = [];
  for (let left = count; left > 0; left -= size) sizes.push(Math.min(size, left));
  return sizes;
}
