import type { FeatureRow } from './featureRequests.js';
import { table } from './report.js';
import type { BenchResults } from './runBench.js';

const usd = (n: number) => `$${n.toFixed(2)}`;

/** The features-in-use table: each feature's requests per task and its $/M against plain. */
export function renderFeatures(r: Pick<BenchResults, 'features' | 'sizes'>): string {
  const plain = r.features.find((f) => f.feature === 'plain');
  const more = (f: FeatureRow & { cost: { total: number } }) =>
    plain && f !== plain ? `+${usd(f.cost.total - plain.cost.total)}` : '';
  return [
    `**Features in use** (pay for what you use): ${r.sizes.requestTasks} no-op tasks per row, ` +
      'sent straight to SQS in batches and drained by our consumer (tracking `full`) with ' +
      'groups and flow control wired in, as a deployed pipeline has them. A group member’s ' +
      'row includes its share of the group’s follow-up. Limits are set high enough that no ' +
      'task waits; with one key for all, its slot item is contended by the 40 records that ' +
      'run at once. A paused type was resumed before its tasks were sent.',
    '',
    table(
      [
        'task',
        'DDB writes (units)',
        'failed conditions',
        'DDB reads (units)',
        'consumer SQS',
        'consumer invocations',
        '$/million',
        'vs plain',
      ],
      r.features.map((f) => [
        f.feature,
        `${f.perTask.ddbWrites} (${f.perTask.ddbWriteUnits})`,
        f.perTask.ddbConditionFailed,
        `${f.perTask.ddbReads} (${f.perTask.ddbReadUnits})`,
        f.perTask.consumerSqsCalls,
        f.perTask.consumerInvocations,
        `**${usd(f.cost.total)}**`,
        more(f),
      ]),
    ),
  ].join('\n');
}
