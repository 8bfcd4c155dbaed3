// The throughput burst's producer, on a thread of its own: a real producer is another
// machine, so its sends must not take CPU from the pipeline under test. Plain JavaScript,
// so the thread needs no TypeScript loader under tsx or vitest.
import { parentPort, workerData } from 'node:worker_threads';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';

const { endpoint, region, credentials, queueUrl, bodies } = workerData;
const IN_FLIGHT = 4;
const sqs = new SQSClient({ region, endpoint, credentials });

async function sendChunk(chunk) {
  let entries = chunk.map((body, i) => ({ Id: String(i), MessageBody: body }));
  // SendMessageBatch can list entries as Failed in a 200 answer: send those again.
  for (let round = 0; entries.length > 0; round++) {
    if (round === 5) throw new Error(`${entries.length} burst messages failed five times`);
    const out = await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }),
    );
    const failed = new Set((out.Failed ?? []).map((f) => f.Id));
    entries = entries.filter((e) => failed.has(e.Id));
  }
}

const chunks = [];
for (let i = 0; i < bodies.length; i += 10) chunks.push(bodies.slice(i, i + 10));
parentPort.postMessage({ kind: 'started', at: Date.now() });
let next = 0;
await Promise.all(
  Array.from({ length: IN_FLIGHT }, async () => {
    while (next < chunks.length) await sendChunk(chunks[next++]);
  }),
);
sqs.destroy();
parentPort.postMessage({ kind: 'sent', count: bodies.length });
