import { LOCAL_REGION } from '../local/clients.js';
import { EventSourcePoller, type SqsHandler } from '../local/esm/EventSourcePoller.js';
import { within } from '../local/within.js';
import type { BenchQueue, RoleClients } from './benchBackend.js';
import type { RequestTotals } from './RequestCounter.js';
import { round } from './stats.js';

/**
 * Requests per task on the success path, by who made them: the counter's totals (less the
 * idle receives and the errors, which must be none) plus the invocations.
 */
export type PerTask = Omit<RequestTotals, 'esmEmptyReceives' | 'errors'> & {
  consumerInvocations: number;
  apiInvocations: number;
};

const DRAIN_TIMEOUT_MS = 120_000;

/**
 * Drains `tasks` messages already on `route` through `handler` with an event source poller
 * (batch size 10, as the definition's queues), then divides every count of `clients` by the
 * tasks. Throws if an invocation failed, a request failed, or a task was not done.
 */
export async function countedDrain(options: {
  clients: RoleClients;
  route: BenchQueue;
  tasks: number;
  handler: SqsHandler;
  name: string;
  apiInvocations?: number;
  /** Messages to wait for, when tasks enqueue more (a group's follow-up). @default tasks */
  messages?: number;
}): Promise<PerTask> {
  const { clients, route, tasks, handler, name } = options;
  const messages = options.messages ?? tasks;
  let invocations = 0;
  let deleted = 0;
  let drained!: () => void;
  const allDeleted = new Promise<void>((resolve) => {
    drained = resolve;
  });
  const failures: string[] = [];
  const poller = new EventSourcePoller({
    sqs: clients.esm.sqs,
    queue: route,
    region: LOCAL_REGION,
    handler: (event, context) => {
      invocations++;
      return handler(event, context);
    },
    functionName: `bench-${name.replaceAll(/[^a-zA-Z0-9-]/g, '-')}`,
    functionTimeoutMs: 60_000,
    batchSize: 10,
    batchingWindowSeconds: 0,
    maxConcurrency: 4,
    onInvocation: (report) => {
      deleted += report.deleted;
      if (deleted >= messages) drained();
      if (report.error) failures.push(report.error);
    },
  });
  poller.start();
  await within(allDeleted, DRAIN_TIMEOUT_MS);
  await poller.stop();
  if (failures.length) throw new Error(`${name}: invocations failed: ${failures[0]}`);
  if (deleted < messages) throw new Error(`${name}: ${deleted} of ${messages} done`);
  const t = clients.counter.summary();
  if (t.errors) throw new Error(`${name}: ${t.errors} requests failed`);
  const per = (n: number) => round(n / tasks);
  const { esmEmptyReceives: _idle, errors: _none, ...totals } = t;
  return {
    ...(Object.fromEntries(
      Object.entries(totals).map(([key, n]) => [key, per(n)]),
    ) as typeof totals),
    consumerInvocations: per(invocations),
    apiInvocations: per(options.apiInvocations ?? 0),
  };
}
