import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, beforeEach, expect, it } from 'vitest';
import { DynamoGroupStore } from '../../functions/adapters/dynamodb/DynamoGroupStore.js';
import { DynamoTaskStore } from '../../functions/adapters/dynamodb/DynamoTaskStore.js';
import { apiEvent } from '../helpers/apiEvents.js';
import { buildApi } from '../helpers/apiHarness.js';
import { type Backend, TEST_CREDENTIALS } from '../helpers/backends.js';
import {
  buildConsumer,
  createPipeline,
  deliver,
  envelope,
  type Pipeline,
  send,
} from '../helpers/consumerHarness.js';
import { describeOnEachBackend } from '../helpers/eachBackend.js';
import { testRegistry } from '../helpers/testTasks.js';
import { logicalId, synthTaskpipe } from '../infra/fixtures.js';

// biome-ignore lint/suspicious/noExplicitAny: synthesized templates are untyped JSON
type Json = Record<string, any>;

/** SQS's batch calls are authorised by the single call's action; there is no batch action. */
const iamAction = (service: string, commandName: string) => {
  const operation = commandName.replace(/Command$/, '');
  return `${service}:${service === 'sqs' ? operation.replace(/Batch$/, '') : operation}`;
};

/** Real clients that note each call as the IAM action it needs (`dynamodb:GetItem`). */
function recordingClients(backend: Backend) {
  const actions = new Set<string>();
  const note =
    (service: string) => (next: (args: Json) => unknown, context: Json) => async (args: Json) => {
      actions.add(iamAction(service, String(context.commandName)));
      return next(args);
    };
  const common = { region: backend.region, credentials: { ...TEST_CREDENTIALS } };
  const sqs = new SQSClient({ ...common, endpoint: backend.sqsEndpoint });
  const dynamodb = new DynamoDBClient({ ...common, endpoint: backend.dynamodbEndpoint });
  sqs.middlewareStack.add(note('sqs') as never, { step: 'initialize', name: 'noteAction' });
  dynamodb.middlewareStack.add(note('dynamodb') as never, {
    step: 'initialize',
    name: 'noteAction',
  });
  return { sqs, dynamodb, actions };
}

/** Every action the role's inline policies allow. */
function grantedActions(template: Json, roleLogicalId: string): Set<string> {
  const policies = Object.values(template.Resources as Json).filter(
    (r) =>
      r.Type === 'AWS::IAM::Policy' &&
      r.Properties.Roles.some((role: Json) => role.Ref === roleLogicalId),
  );
  return new Set(
    policies.flatMap((p) =>
      p.Properties.PolicyDocument.Statement.flatMap((s: Json) => [s.Action].flat()),
    ),
  );
}

// The calls each function makes on its paths, against the grants the CDK app gives it: a
// call the role does not allow is an AccessDenied on AWS that no emulator reports.
describeOnEachBackend('IAM grants cover every call the functions make', (current) => {
  let backend: Backend;
  let p: Pipeline;
  let granted: { consumer: Set<string>; api: Set<string> };

  beforeAll(async () => {
    const synth = synthTaskpipe();
    const template = synth.statelessTemplate.toJSON();
    const { pipeline } = synth.stateless;
    granted = {
      consumer: grantedActions(template, logicalId(pipeline.consumer.role)),
      api: grantedActions(template, logicalId(pipeline.api.role)),
    };
    backend = current();
  }, 60_000);
  // Fresh queues per test: a retried message of one must not reach the other.
  beforeEach(async () => {
    p = await createPipeline(backend);
  });

  it('the consumer: success, retry, failure with its DLQ copy, follow-ups, reused ids, every tracking level', async () => {
    const clients = recordingClients(backend);
    const store = new DynamoTaskStore({ client: clients.dynamodb, tableName: p.tableName });
    const consumer = buildConsumer(p, testRegistry, { sqs: clients.sqs, store });
    const expired = envelope('test.ok', { n: 1 });
    // An item past its retention that TTL has not removed yet: its id is reused.
    await backend.dynamodb.send(
      new PutItemCommand({
        TableName: p.tableName,
        Item: {
          id: { S: expired.id },
          type: { S: 'test.ok' },
          status: { S: 'SUCCEEDED' },
          priority: { S: 'default' },
          attempts: { N: '1' },
          maxAttempts: { N: '5' },
          createdAt: { N: '1' },
          expiresAt: { N: '1' },
        },
      }),
    );
    const tasks = [
      envelope('test.ok', { n: 2 }),
      envelope('test.flaky', { failTimes: 1 }),
      envelope('test.permanent', {}),
      envelope('test.spawn', { n: 3 }),
      envelope('test.terminal', { failTimes: 1 }),
      envelope('test.untracked', { permanent: true }),
      expired,
    ];
    for (const task of tasks) await send(backend.sqs, p.standard, task);

    await deliver(p, p.standard, consumer, { count: tasks.length + 1, emptyPolls: 2 });

    expect((await p.store.get(expired.id))?.createdAt).toBeGreaterThan(1);
    const missing = [...clients.actions].filter((a) => !granted.consumer.has(a));
    expect(clients.actions.size).toBeGreaterThan(4);
    expect(missing).toEqual([]);
  });

  it('the api: enqueue, batch, status, listings, cancel and retry', async () => {
    const clients = recordingClients(backend);
    const store = new DynamoTaskStore({ client: clients.dynamodb, tableName: p.tableName });
    const api = buildApi(p, testRegistry, { sqs: clients.sqs, store });
    const one = await api.call(
      apiEvent('POST', '/tasks', {
        body: { type: 'test.ok', payload: { n: 1 }, delaySeconds: 60 },
      }),
    );
    await api.call(
      apiEvent('POST', '/tasks/batch', {
        body: { tasks: [{ type: 'test.ok', payload: { n: 2 } }] },
      }),
    );
    const failing = await api.call(
      apiEvent('POST', '/tasks', { body: { type: 'test.permanent', payload: {} } }),
    );
    await deliver(p, p.standard, buildConsumer(p, testRegistry), { count: 2, emptyPolls: 1 });
    await api.call(apiEvent('GET', `/tasks/${one.body.taskId}`));
    await api.call(apiEvent('GET', '/tasks'));
    await api.call(apiEvent('GET', '/tasks', { query: { status: 'FAILED' } }));
    await api.call(apiEvent('POST', `/tasks/${one.body.taskId}/cancel`));
    const retried = await api.call(apiEvent('POST', `/tasks/${failing.body.taskId}/retry`));

    expect(retried.body).toMatchObject({ status: 'QUEUED' });
    const missing = [...clients.actions].filter((a) => !granted.api.has(a));
    expect(clients.actions.size).toBeGreaterThan(4);
    expect(missing).toEqual([]);
  });

  it('the consumer and the api: groups, their fan-in, follow-ups and chains', async () => {
    const stores = (clients: ReturnType<typeof recordingClients>) => ({
      sqs: clients.sqs,
      store: new DynamoTaskStore({ client: clients.dynamodb, tableName: p.tableName }),
      groups: new DynamoGroupStore({ client: clients.dynamodb, tableName: p.tableName }),
    });
    const consumerClients = recordingClients(backend);
    const apiClients = recordingClients(backend);
    const consumer = buildConsumer(p, testRegistry, stores(consumerClients));
    const api = buildApi(p, testRegistry, stores(apiClients));
    const created = await api.call(
      apiEvent('POST', '/groups', {
        body: {
          seal: false,
          tasks: [{ type: 'test.ok', payload: { n: 1 } }],
          onComplete: { type: 'test.fanin', payload: {} },
        },
      }),
    );
    const groupId = created.body.groupId;
    await api.call(apiEvent('POST', `/groups/${groupId}/seal`, { body: { total: 1 } }));
    await send(backend.sqs, p.standard, envelope('test.group', { size: 2 }));
    const chain = await api.call(
      apiEvent('POST', '/tasks', {
        body: {
          type: 'test.ok',
          payload: { n: 1 },
          next: [{ type: 'test.ok', payload: { n: 2 } }],
        },
      }),
    );
    // The member, the group task, the chain's first task; then the members, follow-ups, next step.
    await deliver(p, p.standard, consumer, { count: 3, emptyPolls: 2 });
    await deliver(p, p.standard, consumer, { count: 4, emptyPolls: 2 });
    await deliver(p, p.standard, consumer, { count: 1, emptyPolls: 2 });
    await api.call(apiEvent('GET', `/groups/${groupId}`));

    expect(await p.store.get(`${groupId}.on-complete`)).toMatchObject({ status: 'SUCCEEDED' });
    expect(chain.status).toBe(202);
    expect(consumerClients.actions).toContain('dynamodb:BatchGetItem');
    expect(apiClients.actions).toContain('dynamodb:BatchGetItem');
    const missing = {
      consumer: [...consumerClients.actions].filter((a) => !granted.consumer.has(a)),
      api: [...apiClients.actions].filter((a) => !granted.api.has(a)),
    };
    expect(missing).toEqual({ consumer: [], api: [] });
  });
});
