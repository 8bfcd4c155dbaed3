import { beforeAll, expect, it } from 'vitest';
import { DynamoFlowStore } from '../../../functions/adapters/dynamodb/DynamoFlowStore.js';
import { FlowAdmin } from '../../../functions/core/flow/FlowAdmin.js';
import type { QueueRoute } from '../../../functions/core/ports.js';
import { registry } from '../../../functions/tasks/index.js';
import { type Backend, createTaskTable, uniqueName } from '../../helpers/backends.js';
import { describeOnEachBackend } from '../../helpers/eachBackend.js';

const route = (priority: string, fifo: boolean): QueueRoute => ({
  priority,
  name: `taskpipe-${priority}${fifo ? '.fifo' : ''}`,
  url: `http://127.0.0.1/queue/${priority}`,
  dlqUrl: `http://127.0.0.1/queue/${priority}-dlq`,
  fifo,
});

// A type's pause defers its tasks, which a FIFO queue cannot do: the answer says where the
// pause does not hold instead of letting the operator believe it does.
describeOnEachBackend('pausing a type beside FIFO queues', (current) => {
  let backend: Backend;
  let tableName: string;
  const admin = (routes: QueueRoute[]) =>
    new FlowAdmin({
      store: new DynamoFlowStore({ client: backend.dynamodb, tableName }),
      clock: { now: () => 1_000 },
      routes,
      registry,
      queueSwitch: 'watched',
    });
  beforeAll(async () => {
    backend = current();
    tableName = uniqueName('flowadmin');
    await createTaskTable(backend, tableName);
  });

  it('names the FIFO queues where a type pause does not hold', async () => {
    const out = await admin([
      route('high', false),
      route('ordered', true),
      route('tail', true),
    ]).pause({ type: 'noop' }, 'ann');
    expect(out).toEqual({
      created: true,
      record: { scope: 'type', name: 'noop', since: 1_000, by: 'ann' },
      notHeldOn: ['ordered', 'tail'],
    });
    // Pausing again says the same: the note is about the queues, not the first call.
    const again = await admin([route('ordered', true)]).pause({ type: 'noop' }, 'bob');
    expect(again).toMatchObject({ created: false, notHeldOn: ['ordered'] });
  });

  it('adds no note with standard queues only, nor to a queue pause', async () => {
    const standard = admin([route('high', false), route('low', false)]);
    const out = await standard.pause({ type: 'http.post' }, 'ann');
    expect(out).toEqual({
      created: true,
      record: { scope: 'type', name: 'http.post', since: 1_000, by: 'ann' },
    });
    const queue = await admin([route('ordered', true)]).pause({ queue: 'ordered' }, 'ann');
    expect(queue).not.toHaveProperty('notHeldOn');
  });
});
