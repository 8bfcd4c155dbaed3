/**
 * A group at the size limit: `npx tsx bench/groupScale.ts [members]` (default 100,000).
 *
 * Runs the fan-in of one sealed group through the real group store on dynalite, every
 * member ending once in a shuffled order (1% failed) and 1% of the ends delivered twice,
 * and checks what docs/workflows.md promises: each leaf stays small, the group completes
 * exactly once with the right counts, and the requests per member stay flat. The members'
 * own task rows and messages are left out: they cost what plain tasks cost (the bench's
 * group rows), and the full pipeline runs about 5 tasks a second here. Writes
 * bench/group-scale-last-run.md.
 */
import { writeFile } from 'node:fs/promises';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import pLimit from 'p-limit';
import { DynamoGroupStore } from '../functions/adapters/dynamodb/DynamoGroupStore.js';
import { GroupFanIn } from '../functions/core/workflow/GroupFanIn.js';
import { LEAF_SIZE, memberId } from '../functions/core/workflow/workflowIds.js';
import { BenchBackend } from './benchBackend.js';

const members = Number(process.argv[2] ?? 100_000);
if (!Number.isInteger(members) || members < 1 || members > 100_000) {
  throw new Error(`members must be an integer from 1 to 100000 (got ${process.argv[2]})`);
}
const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** A fixed shuffle (xorshift), so two runs end members in the same order. */
function shuffled(n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  let x = 0x2545f491;
  for (let i = n - 1; i > 0; i--) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const j = Math.abs(x) % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

const backend = await BenchBackend.start();
try {
  const { tableName } = await backend.tables('group-scale');
  const clients = backend.roleClients();
  const store = new DynamoGroupStore({ client: clients.consumer.dynamodb, tableName });
  const sent: string[] = [];
  const fanIn = new GroupFanIn({
    groups: store,
    sender: {
      async enqueue(_type, _payload, _options, derived) {
        sent.push(derived.id);
        return derived.id;
      },
    },
    logger: silent,
    clock: { now: () => Date.now() },
  });
  const id = `scale-${members}-${Date.now()}`;
  await store.create({
    id,
    followUps: {
      complete: { type: 'report', payload: {} },
      success: { type: 'notify', payload: {} },
    },
    total: members,
  });
  const failed = (i: number) => i % 100 === 7;
  const order = shuffled(members);
  // 1% of the ends come twice, as a redelivery would, right after the first.
  const ends = order.flatMap((i) => (i % 100 === 42 ? [i, i] : [i]));
  const limit = pLimit(32);
  const started = process.hrtime.bigint();
  await Promise.all(
    ends.map((i) =>
      limit(() =>
        fanIn.memberEnded(
          { id, index: i, size: members },
          memberId(id, i),
          failed(i) ? 'FAILED' : 'SUCCEEDED',
          Date.now() + 60_000,
        ),
      ),
    ),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;

  const group = await store.get(id);
  const requests = clients.counter.sum((_r, service) => service === 'dynamodb');
  let largest = 0;
  let items = 0;
  let key: Record<string, unknown> | undefined;
  do {
    const page = await backend.admin.dynamodb.send(
      new ScanCommand({ TableName: tableName, ExclusiveStartKey: key as never }),
    );
    for (const item of page.Items ?? []) {
      items++;
      largest = Math.max(largest, Buffer.byteLength(JSON.stringify(item)));
    }
    key = page.LastEvaluatedKey;
  } while (key);
  clients.destroy();

  const expectedFailed = order.filter(failed).length;
  const leaves = Math.ceil(members / LEAF_SIZE);
  const checks: [string, boolean][] = [
    [
      'the follow-up ran exactly once (onComplete only, since members failed)',
      sent.length === 1 && sent[0] === `${id}.on-complete`,
    ],
    [`every leaf done: ${group?.leavesDone} of ${leaves}`, group?.leavesDone === leaves],
    [`failed count: ${group?.failed} of ${expectedFailed}`, group?.failed === expectedFailed],
    [`largest item ${largest} bytes, under DynamoDB's 400 KB`, largest < 400 * 1024],
  ];
  const lines = [
    `**A group of ${members.toLocaleString('en-US')} members**, its fan-in on dynalite: ${ends.length.toLocaleString('en-US')} member ends (${(ends.length - members).toLocaleString('en-US')} duplicates) in ${seconds.toFixed(1)} s, 32 at a time.`,
    '',
    ...checks.map(([what, ok]) => `- ${ok ? 'yes' : 'NO'}: ${what}`),
    `- DynamoDB requests: ${requests.toLocaleString('en-US')}, ${(requests / ends.length).toFixed(3)} per member end`,
    `- items in the table: ${items.toLocaleString('en-US')} (the group, its follow-ups and ${leaves.toLocaleString('en-US')} leaves)`,
    '',
  ];
  await writeFile(new URL('./group-scale-last-run.md', import.meta.url), lines.join('\n'));
  console.log(lines.join('\n'));
  if (checks.some(([, ok]) => !ok)) process.exitCode = 1;
} finally {
  await backend.stop();
}
