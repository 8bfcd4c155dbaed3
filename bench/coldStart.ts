import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { nodeOptions } from '../infra/constructs/consumerEnvironment.js';
import { bundle, bundleSpecs } from './bundles.js';
import { lambdaNode } from './lambdaNode.js';
import { median, round } from './stats.js';

const run = promisify(execFile);

export interface ColdStartRow {
  name: string;
  kb: number;
  /** Median module init time over fresh `node` processes, ms. */
  initMs: number;
  /** What takes the most room in the bundle. */
  largest: string;
  baseline?: string;
  /** initMs ÷ the baseline's initMs. */
  overBaseline?: number;
}

// Enough configuration for each handler's module-level parsing to succeed; no request is made.
const FUNCTION_ENV = {
  AWS_REGION: 'us-east-1',
  TASKPIPE_TABLE_NAME: 'taskpipe-tasks',
  TASKPIPE_QUEUES: JSON.stringify([
    {
      priority: 'default',
      name: 'taskpipe-default',
      url: 'https://sqs.us-east-1.amazonaws.com/000000000000/taskpipe-default',
      dlqUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/taskpipe-default-dlq',
    },
  ]),
  TASKPIPE_WEBHOOK_TARGETS: JSON.stringify([
    { name: 'ops', kind: 'slack', secretName: 'taskpipe/webhooks/ops' },
  ]),
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};

// Times only the import: process start-up is the same for every bundle and not counted.
const IMPORT_SCRIPT = `const t = performance.now();
await import(process.argv[1]);
process.stdout.write(String(performance.now() - t));`;

/**
 * Bundles each Lambda and each baseline as the CDK app does, then imports every bundle in
 * `processes` fresh node processes each, taking turns, and reports size and median init.
 */
export async function measureColdStart(
  processes: number,
  sourceMaps: boolean,
  /** Measures only these rows, and the baselines they are held against. @default all */
  only?: readonly string[],
): Promise<ColdStartRow[]> {
  // As deployed: the definition's `sourceMaps` sets every function's NODE_OPTIONS.
  const env = { PATH: process.env.PATH ?? '', ...FUNCTION_ENV, ...nodeOptions(sourceMaps) };
  const all = bundleSpecs();
  const wanted = new Set(only ?? all.map((s) => s.name));
  for (const s of all) if (wanted.has(s.name) && s.baseline) wanted.add(s.baseline);
  const specs = all.filter((s) => wanted.has(s.name));
  const outDir = await mkdtemp(join(tmpdir(), 'taskpipe-bench-'));
  try {
    const built = [];
    for (const spec of specs) built.push({ spec, ...(await bundle(spec, outDir)) });
    const samples = built.map(() => [] as number[]);
    for (let round = 0; round < processes; round++) {
      for (let i = 0; i < built.length; i++) {
        const k = (round + i) % built.length;
        samples[k]!.push(await importTime(built[k]!.file, env));
      }
    }
    const rows: ColdStartRow[] = built.map((b, k) => ({
      name: b.spec.name,
      kb: round1(b.bytes / 1024),
      initMs: round(median(samples[k]!), 2),
      largest: b.largest.map((p) => `${p.part} ${p.kb}`).join(', '),
      ...(b.spec.baseline ? { baseline: b.spec.baseline } : {}),
    }));
    for (const row of rows) {
      const base = rows.find((r) => r.name === row.baseline);
      if (base) row.overBaseline = round(row.initMs / base.initMs, 2);
    }
    return rows;
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

async function importTime(file: string, env: Record<string, string>): Promise<number> {
  const { stdout } = await run(
    (await lambdaNode()).path,
    ['--input-type=module', '-e', IMPORT_SCRIPT, pathToFileURL(file).href],
    { env, timeout: 30_000 },
  );
  const ms = Number(stdout);
  if (!Number.isFinite(ms)) throw new Error(`could not time ${file}: ${stdout}`);
  return ms;
}

const round1 = (n: number) => round(n, 1);
