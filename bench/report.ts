import { typeIndexCostPerMillion } from './costModel.js';
import { renderFeatures } from './featureReport.js';
import type { Goal } from './goals.js';
import { PRICES_NOTE } from './prices.js';
import type { BenchResults } from './runBench.js';

const LABEL = {
  ours: 'taskpipe',
  oursTerminal: 'taskpipe, terminal',
  oursFailures: 'taskpipe, failures',
  floor: '(a) floor',
  powertools: '(b) Powertools',
} as const;
const PATH = { api: 'API', sqs: 'SQS-direct' } as const;

/** A markdown table with padded columns, the way the formatter lays tables out. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows].map((row) => row.map(String));
  const widths = header.map((_, i) => Math.max(3, ...cells.map((row) => row[i]!.length)));
  const line = (row: string[]) => `| ${row.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const rule = `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`;
  return [line(cells[0]!), rule, ...cells.slice(1).map(line)].join('\n');
}

const usd = (n: number) => `$${n.toFixed(2)}`;
const pathLabel = (r: { path: 'api' | 'sqs'; mode: string; payloadBytes: number }) =>
  `${PATH[r.path]} ${r.mode}${r.payloadBytes ? `, ${r.payloadBytes / 1024} KB payload` : ''}`;
const x = (n: number) => `${n.toFixed(2)}×`;
const mark = (g: Goal) => (g.met ? 'met' : 'missed');

/** The whole run as markdown: goals first, then each part with its baselines. */
export function renderReport(r: BenchResults): string {
  const out: string[] = [];
  const g = r.groups;
  out.push(
    `Run ${r.startedAt} on Node ${r.node}, ${r.durationSeconds} s; every ratio is within this run.`,
    '',
    table(
      ['goal', 'this run', 'target', ''],
      r.goals.map((g) => [g.goal, g.value, `${g.target.op} ${g.target.value}`, mark(g)]),
    ),
  );

  out.push(
    '',
    `**Requests per task** on the success path (${r.sizes.requestTasks} no-op tasks per row, ` +
      'counted by SDK middleware; the queue is filled, then drained in batches of 10). ' +
      'Receives and deletes are the event source mapping’s, not our code’s. In brackets, the ' +
      'capacity units DynamoDB reported, which on-demand bills: a write per 1 KB of the item ' +
      '(the larger of before and after), a consistent read per 4 KB; a refused condition ' +
      'counts one. The last row pads each payload to show what its size costs.',
    '',
    table(
      [
        'enqueue',
        'consumer',
        'SendMessage',
        'consumer SQS',
        'ESM receive + delete',
        'DDB writes (units)',
        'failed conditions',
        'DDB reads (units)',
        'consumer invocations',
        'API invocations',
      ],
      r.requests.map((q) => [
        pathLabel(q),
        LABEL[q.variant],
        q.perTask.sendCalls,
        q.perTask.consumerSqsCalls,
        `${q.perTask.esmReceives} + ${q.perTask.esmDeletes}`,
        `${q.perTask.ddbWrites} (${q.perTask.ddbWriteUnits})`,
        q.perTask.ddbConditionFailed,
        `${q.perTask.ddbReads} (${q.perTask.ddbReadUnits})`,
        q.perTask.consumerInvocations,
        q.perTask.apiInvocations,
      ]),
    ),
  );

  out.push(
    '',
    `**Dollars per million no-op tasks** on AWS, modelled from the counts above and the ` +
      `handler times below (consumer at its memory, API function at its own); ${PRICES_NOTE}.`,
    '',
    table(
      ['enqueue', 'consumer', 'SQS', 'DynamoDB', 'Lambda', 'API Gateway', 'total'],
      r.costs.map((c) => [
        pathLabel(c),
        LABEL[c.variant],
        usd(c.sqs),
        usd(c.dynamodb),
        usd(c.lambda),
        usd(c.apiGateway),
        `**${usd(c.total)}**`,
      ]),
    ),
  );

  const indexed = r.requests.filter((q) => q.variant === 'ours');
  if (indexed.length) {
    out.push(
      '',
      '**With `table.typeIndex`** (opt-in; off by default), every status write that applies is ' +
        'billed once more, as a write to the index: ' +
        indexed
          .map((q) => `${pathLabel(q)} ${usd(typeIndexCostPerMillion(q))} more per million tasks`)
          .join('; ') +
        '.',
    );
  }

  out.push(
    '',
    `**Consumer time** per batch against the local emulators (median of ${r.sizes.timingRounds} ` +
      'rounds; the consumers take turns in each round). The floor makes no request at all, ' +
      'so any consumer that keeps a status is many times slower than it; the column against ' +
      'the floor plus two plain status writes per task (the same record concurrency) shows ' +
      'what our own code costs beyond that I/O. `terminal` and `failures` are the lower ' +
      'tracking levels (below).',
    '',
    table(
      [
        'batch',
        'taskpipe ms',
        'terminal ms',
        'failures ms',
        '(a) floor ms',
        '(b) Powertools ms',
        'floor + 2 writes ms',
        'taskpipe / floor',
        'terminal / floor',
        'failures / floor',
        'taskpipe / Powertools',
        'taskpipe / (floor + 2 writes)',
      ],
      r.consumerTime.map((t) => [
        t.batchSize,
        t.medianMs.ours,
        t.medianMs.oursTerminal,
        t.medianMs.oursFailures,
        t.medianMs.floor,
        t.medianMs.powertools,
        t.medianMs.floorWrites,
        x(t.oursOverFloor),
        x(t.terminalOverFloor),
        x(t.failuresOverFloor),
        x(t.oursOverPowertools),
        x(t.oursOverFloorWrites),
      ]),
    ),
  );

  out.push(
    '',
    `**Cold start**: minified ESM bundles built as the CDK app builds them, and the median ` +
      `import time over ${r.sizes.coldStartProcesses} fresh node processes each ` +
      `(Node ${r.coldStartNode ?? r.node}, as Lambda's nodejs24.x), with the ` +
      `\`NODE_OPTIONS\` the functions ship with (the definition's \`sourceMaps\` is ` +
      `${r.sourceMaps}; \`true\` adds \`--enable-source-maps\`, which loads each bundle's source ` +
      'map at start-up).',
    '',
    table(
      ['bundle', 'KB', 'init ms', 'vs baseline', 'largest parts (KB)'],
      r.coldStart.map((c) => [
        c.name,
        c.kb,
        c.initMs,
        c.overBaseline === undefined ? '' : `${x(c.overBaseline)} ${c.baseline}`,
        c.largest,
      ]),
    ),
  );

  const t = r.throughput;
  const pct = (n: number) => `${Math.round(n * 100)}%`;
  out.push(
    '',
    `**Local throughput**, interleaved: ${t.rounds.length} rounds in one run, each first ` +
      'timing dynalite alone (claim + finish writes at the pipeline’s concurrency, in a table ' +
      `of their own), then a burst of ${t.tasks} no-op tasks sent straight to the default queue ` +
      'of the local pipeline (`npm start`’s) by a producer on a thread of its own, timed from ' +
      'the first send to the last success. Each round’s ratio compares two samples taken ' +
      'seconds apart. Goal: median ≥ 80%, no round below 70%. Latency runs from SQS’s ' +
      'SentTimestamp to the recorded finish, over all rounds.',
    '',
    table(
      ['round', 'tasks/s', 'ceiling tasks/s', 'of ceiling'],
      t.rounds.map((x, i) => [i + 1, x.tasksPerSecond, x.ceilingTasksPerSecond, pct(x.ratio)]),
    ),
    '',
    `Median ${pct(t.ofCeiling)} (lowest ${pct(t.spread.min)}, highest ${pct(t.spread.max)}); ` +
      `median ${t.tasksPerSecond} tasks/s against ${t.ceilingTasksPerSecond}; ${t.writesPerTask} ` +
      `writes per task; send→finish p50 ${t.latencyMs.p50} ms, p99 ${t.latencyMs.p99} ms.`,
  );

  out.push(
    '',
    '**Tracking levels** (`tracking` in `defineTask`; see [Tracking levels](tasks.md#tracking-levels)): the ' +
      'success path of batch-enqueued no-op tasks at each level, from the rows above. ' +
      'Retries and failures are recorded at every level.',
    '',
    table(
      [
        'tracking',
        'SQS-direct DDB writes + reads',
        'SQS-direct $/million',
        'API DDB writes + reads',
        'API $/million',
        'SQS-direct bill vs full',
      ],
      r.tracking.map((k) => [
        `\`${k.level}\``,
        `${k.sqsDirect.ddbWrites} + ${k.sqsDirect.ddbReads}`,
        usd(k.sqsDirect.perMillion),
        `${k.api.ddbWrites} + ${k.api.ddbReads}`,
        usd(k.api.perMillion),
        k.level === 'full' ? '' : `${Math.round(k.sqsDirectSaving * 100)}% less`,
      ]),
    ),
  );
  out.push(
    '',
    `**Groups** (docs/workflows.md): ${g.members} no-op tasks sent with \`TaskClient.group\` ` +
      'and an `onComplete`, against the same tasks sent plain, and a group of one; DynamoDB ' +
      'requests of the consumer, counted by SDK middleware. Plain tasks cost the same with ' +
      'groups configured: a task with no workflow links makes no request for them.',
    '',
    table(
      [
        'plain, per task',
        'plain with groups on',
        'extra per member',
        'per follow-up',
        'producer per group',
      ],
      [
        [
          g.plainPerTask,
          g.plainPerTaskWithGroups,
          g.extraPerMember,
          g.perFollowUp,
          g.producerPerGroup,
        ],
      ],
    ),
  );
  if (r.features?.length) out.push('', renderFeatures(r));
  return `${out.join('\n')}\n`;
}
