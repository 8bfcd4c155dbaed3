import pLimit from 'p-limit';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoGroupStore } from '../../../functions/adapters/dynamodb/DynamoGroupStore.js';
import type { TaskStatus } from '../../../functions/core/status.js';
import { type FollowUpSender, GroupFanIn } from '../../../functions/core/workflow/GroupFanIn.js';
import type { FollowUps, GroupStore } from '../../../functions/core/workflow/types.js';
import { memberId } from '../../../functions/core/workflow/workflowIds.js';
import { backendFactories, uniqueName } from '../../helpers/backends.js';
import { crashOnce } from '../../helpers/crashOnce.js';
import { useTaskTable } from '../../helpers/taskTableSuite.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const followUps: FollowUps = {
  complete: { type: 'report', payload: { table: 'all' } },
  success: { type: 'notify', payload: {} },
};

/** Records every follow-up sent; `failNext` makes the next sends throw, like a crash. */
class RecordingSender implements FollowUpSender {
  readonly sent: string[] = [];
  failNext = 0;
  async enqueue(_type: string, _payload: unknown, _options: object, derived: { id: string }) {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('queue unreachable');
    }
    this.sent.push(derived.id);
    return derived.id;
  }
}

// The fan-in's exactly-once cases, on each backend (docs/workflows.md).
describe.each(backendFactories)('group fan-in on $name', (factory) => {
  const test = it.skipIf(factory.skipReason !== undefined);
  // moto_server does not lock an item between a condition check and its write, so writes at
  // once can be lost there (seen: set ADDs). DynamoDB and dynalite apply each atomically;
  // races are only meaningful on those (as in taskStore.test.ts).
  const raceTest = it.skipIf(factory.skipReason !== undefined || factory.name === 'moto');
  if (factory.name === 'moto') {
    console.warn(
      'skipping the concurrent fan-in cases on moto: moto_server does not apply a conditional write atomically, so concurrent updates to one item can be lost there',
    );
  }
  const table = useTaskTable(factory, 'group fan-in');
  let store: DynamoGroupStore;
  // Real time, moved on by a test to pass a claimant's deadline.
  let skewMs = 0;
  const clock = { now: () => Date.now() + skewMs };
  beforeAll(() => {
    if (!factory.skipReason) {
      store = new DynamoGroupStore({ client: table.backend.dynamodb, tableName: table.tableName });
    }
  });

  function setup(groups: GroupStore = store) {
    const sender = new RecordingSender();
    return { sender, fanIn: new GroupFanIn({ groups, sender, logger: silent, clock }) };
  }

  async function sealedGroup(size: number, id = uniqueName('grp')) {
    await store.create({ id, followUps, total: size });
    return id;
  }

  /** A member's end as a consumer reports it, with an invocation deadline 30 s ahead. */
  const end = (
    fanIn: GroupFanIn,
    id: string,
    index: number,
    size?: number,
    status: TaskStatus = 'SUCCEEDED',
  ) =>
    fanIn.memberEnded(
      { id, index, ...(size ? { size } : {}) },
      memberId(id, index),
      status,
      clock.now() + 30_000,
    );

  test('fires onComplete and onSuccess once when every member succeeded', async () => {
    const { sender, fanIn } = setup();
    const id = await sealedGroup(120);
    for (let i = 0; i < 120; i++) await end(fanIn, id, i, 120);

    expect(sender.sent.sort()).toEqual([`${id}.on-complete`, `${id}.on-success`]);
    expect(await store.get(id)).toMatchObject({
      leavesDone: 3,
      failed: 0,
      fanIn: { by: 'leaf:2' },
    });
    expect((await store.get(id))?.fanIn?.sentAt).toBeDefined();
  });

  test('sends nothing before the last member ends', async () => {
    const { sender, fanIn } = setup();
    const id = await sealedGroup(51);
    for (let i = 0; i < 50; i++) await end(fanIn, id, i, 51);
    expect(sender.sent).toEqual([]);
    await end(fanIn, id, 50, 51);
    expect(sender.sent).toHaveLength(2);
  });

  test('counts failed and cancelled members, and skips onSuccess', async () => {
    const { sender, fanIn } = setup();
    const id = await sealedGroup(60);
    for (let i = 0; i < 60; i++) {
      const status = i === 7 ? 'FAILED' : i === 55 ? 'CANCELLED' : 'SUCCEEDED';
      await end(fanIn, id, i, 60, status);
    }
    expect(sender.sent).toEqual([`${id}.on-complete`]);
    expect(await store.get(id)).toMatchObject({ failed: 2 });
    expect(await store.failedMembers(id, 2)).toEqual([memberId(id, 7), memberId(id, 55)]);
  });

  test('duplicate deliveries in sequence change nothing', async () => {
    const { sender, fanIn } = setup();
    const id = await sealedGroup(60);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 60; i++) await end(fanIn, id, i, 60, i === 59 ? 'FAILED' : 'SUCCEEDED');
    }
    expect(sender.sent).toEqual([`${id}.on-complete`]);
    expect(await store.get(id)).toMatchObject({ leavesDone: 2, failed: 1 });
  });

  raceTest('duplicate deliveries at once change nothing', async () => {
    const { sender, fanIn } = setup();
    const id = await sealedGroup(75);
    const limit = pLimit(16);
    const ends = Array.from({ length: 75 }, (_, i) => i).flatMap((i) => [i, i, i]);
    await Promise.all(
      ends.map((i) => limit(() => end(fanIn, id, i, 75, i % 10 ? 'SUCCEEDED' : 'FAILED'))),
    );
    for (let i = 0; i < 75; i++) await end(fanIn, id, i, 75);

    expect(sender.sent).toEqual([`${id}.on-complete`]);
    expect(await store.get(id)).toMatchObject({ leavesDone: 2, failed: 8 });
  });

  raceTest('concurrent last completions in several leaves fire once', async () => {
    const id = await sealedGroup(150);
    const { fanIn } = setup();
    for (let i = 0; i < 150; i++) if (i % 50 !== 49) await end(fanIn, id, i, 150);
    // Three workers, each with its own sender, end the last member of each leaf at once.
    const workers = [setup(), setup(), setup()];
    await Promise.all(workers.map((w, leaf) => end(w.fanIn, id, leaf * 50 + 49, 150)));

    expect(workers.flatMap((w) => w.sender.sent).sort()).toEqual([
      `${id}.on-complete`,
      `${id}.on-success`,
    ]);
  });

  test('a crash between the member write and the group update is replayed', async () => {
    const id = await sealedGroup(50);
    const first = setup();
    for (let i = 0; i < 49; i++) await end(first.fanIn, id, i, 50);
    const crashing = setup(crashOnce(store, 'completeLeaf'));
    await expect(end(crashing.fanIn, id, 49, 50)).rejects.toThrow(/crash before completeLeaf/);
    expect(crashing.sender.sent).toEqual([]);

    // The redelivery of the same member replays the path from the top.
    await end(crashing.fanIn, id, 49, 50);
    await end(crashing.fanIn, id, 49, 50);
    expect(crashing.sender.sent.sort()).toEqual([`${id}.on-complete`, `${id}.on-success`]);
  });

  test('a crash after the claim, before the send, is finished by the claimant only', async () => {
    const id = await sealedGroup(100);
    const { sender, fanIn } = setup();
    for (let i = 0; i < 99; i++) if (i !== 49) await end(fanIn, id, i, 100);
    await end(fanIn, id, 49, 100); // leaf 0 done
    sender.failNext = 1;
    await expect(end(fanIn, id, 99, 100)).rejects.toThrow(/queue unreachable/);
    expect(await store.get(id)).toMatchObject({ fanIn: { by: 'leaf:1' } });

    // A duplicate from the other leaf does not send: the claim is leaf 1's. Nor does one
    // from leaf 1 while the claimant's invocation may still be running.
    await end(fanIn, id, 3, 100);
    await end(fanIn, id, 60, 100);
    expect(sender.sent).toEqual([]);
    // After its deadline, the redelivery of a member of leaf 1 finishes the send, once.
    skewMs += 60_000;
    await end(fanIn, id, 99, 100);
    await end(fanIn, id, 60, 100);
    expect(sender.sent.sort()).toEqual([`${id}.on-complete`, `${id}.on-success`]);
  });

  test('an open group fires only after its seal, whoever comes last', async () => {
    const { sender, fanIn } = setup();
    const id = uniqueName('open');
    await store.create({ id, followUps });
    expect(await store.add(id, 0, 50)).toMatchObject({ ok: true, repeated: false });
    expect(await store.add(id, 50, 20)).toMatchObject({ ok: true, repeated: false });
    expect(await store.add(id, 50, 20)).toMatchObject({ ok: true, repeated: true });
    for (let i = 0; i < 70; i++) await end(fanIn, id, i);
    expect(sender.sent).toEqual([]);

    expect(await store.seal(id, 71)).toMatchObject({ ok: false, reason: 'count_mismatch' });
    const sealed = await store.seal(id, 70);
    if (!sealed.ok) throw new Error(`seal refused: ${sealed.reason}`);
    await fanIn.sealed(sealed.group);
    await fanIn.sealed(sealed.group);

    expect(sender.sent.sort()).toEqual([`${id}.on-complete`, `${id}.on-success`]);
    expect(await store.seal(id, 70)).toMatchObject({ ok: true });
    expect(await store.seal(id, 69)).toMatchObject({ ok: false, reason: 'sealed_other' });
    expect(await store.add(id, 70, 1)).toMatchObject({ ok: false, reason: 'sealed' });
  });

  test('a member that ends after the seal of an open group completes it', async () => {
    const { sender, fanIn } = setup();
    const id = uniqueName('open');
    await store.create({ id, followUps: { complete: followUps.complete! } });
    await store.add(id, 0, 3);
    await end(fanIn, id, 0);
    const sealed = await store.seal(id, 3);
    if (!sealed.ok) throw new Error('seal refused');
    await fanIn.sealed(sealed.group);
    await end(fanIn, id, 1, undefined, 'FAILED');
    expect(sender.sent).toEqual([]);
    await end(fanIn, id, 2);
    expect(sender.sent).toEqual([`${id}.on-complete`]);
  });

  test('a group sealed empty fires at its seal', async () => {
    const { sender, fanIn } = setup();
    const id = uniqueName('empty');
    await store.create({ id, followUps });
    const sealed = await store.seal(id, 0);
    if (!sealed.ok) throw new Error('seal refused');
    await fanIn.sealed(sealed.group);
    expect(sender.sent.sort()).toEqual([`${id}.on-complete`, `${id}.on-success`]);
  });

  test('refuses a member of a group that does not exist', async () => {
    const { fanIn } = setup();
    await expect(end(fanIn, uniqueName('ghost'), 3)).rejects.toThrow(/not in the task table/);
  });

  // One set of every member id would pass DynamoDB's 400 KB item limit here (dynalite
  // refuses it; moto does not, so moto would hide it): the leaves keep each item small.
  raceTest(
    'a group whose member ids pass 400 KB in all completes',
    async () => {
      const { sender, fanIn } = setup();
      const id = `${'w'.repeat(100)}${uniqueName('big')}`.slice(0, 118);
      const size = 3_600;
      await store.create({ id, followUps, total: size });
      const limit = pLimit(24);
      await Promise.all(
        Array.from({ length: size }, (_, i) => limit(() => end(fanIn, id, i, size))),
      );
      expect(size * memberId(id, 0).length).toBeGreaterThan(400 * 1024);
      expect(sender.sent.sort()).toEqual([`${id}.on-complete`, `${id}.on-success`]);
      expect(await store.get(id)).toMatchObject({ leavesDone: 72, failed: 0 });
    },
    120_000,
  );
});
