import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { functionBuildOptions, startupFile } from '../infra/constructs/functionBundle.js';
import { REPO_ROOT } from '../infra/constructs/paths.js';

/** A Lambda bundle to measure: one of ours, or a baseline built from a few lines. */
export interface BundleSpec {
  name: string;
  /** The function's entry file, relative to the repository root. */
  entry?: string;
  /** Baselines: the module's source. */
  source?: string;
  /** The baseline whose init time this one is held against. */
  baseline?: string;
}

const EMPTY = 'export const handler = async () => ({});';
const withClients = (imports: string, clients: string) =>
  `${imports}\nconst clients = [${clients}];\nexport const handler = async () => ({ n: clients.length });`;

/** The row that measures the X-Ray tracer module's init cost (definition `tracing: true`). */
export const TRACER_ROW = 'empty + DynamoDB, SQS clients + X-Ray tracer';

/** Our functions (the notifier when it exists) and the baselines they are compared with. */
export function bundleSpecs(): BundleSpec[] {
  const specs: BundleSpec[] = [
    { name: 'empty handler', source: EMPTY },
    {
      name: 'empty + DynamoDB, SQS clients',
      source: withClients(
        "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nimport { SQSClient } from '@aws-sdk/client-sqs';",
        'new DynamoDBClient({}), new SQSClient({})',
      ),
    },
    {
      name: 'consumer',
      entry: 'functions/consumer/handler.ts',
      baseline: 'empty + DynamoDB, SQS clients',
    },
    { name: 'api', entry: 'functions/api/handler.ts', baseline: 'empty + DynamoDB, SQS clients' },
    {
      // What `tracing: true` invites: the X-Ray tracer module, capturing the SDK clients.
      name: TRACER_ROW,
      source: withClients(
        "import { Tracer } from '@aws-lambda-powertools/tracer';\nimport { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nimport { SQSClient } from '@aws-sdk/client-sqs';\nconst tracer = new Tracer({ serviceName: 'bench' });",
        'tracer.captureAWSv3Client(new DynamoDBClient({})), tracer.captureAWSv3Client(new SQSClient({}))',
      ),
      baseline: 'empty + DynamoDB, SQS clients',
    },
  ];
  if (existsSync(join(REPO_ROOT, 'functions/notifier/handler.ts'))) {
    specs.push(
      {
        name: 'empty + Secrets Manager client',
        source: withClients(
          "import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';",
          'new SecretsManagerClient({})',
        ),
      },
      {
        name: 'notifier',
        entry: 'functions/notifier/handler.ts',
        baseline: 'empty + Secrets Manager client',
      },
    );
  }
  return specs;
}

/**
 * Bundles `spec` into a directory of its own under `outDir` as the CDK app builds every
 * function (`functionBuildOptions`): `index.mjs` and the chunks it loads on first use.
 * Returns the start-up file, the bytes a cold start reads (the start-up file and the
 * chunks it imports statically; source maps and lazily loaded chunks are not read), and
 * the packages that take most of them.
 */
export async function bundle(
  spec: BundleSpec,
  outDir: string,
): Promise<{ file: string; bytes: number; largest: { part: string; kb: number }[] }> {
  const dir = join(outDir, spec.name.replace(/[^a-z0-9]+/gi, '-'));
  const options: BuildOptions = {
    ...functionBuildOptions(dir),
    metafile: true,
    logLevel: 'silent',
  };
  const result = await build(
    spec.entry
      ? { ...options, entryPoints: { index: join(REPO_ROOT, spec.entry) } }
      : {
          // A baseline's few lines, built the same way: the SDK's own lazy imports split too.
          ...options,
          entryNames: 'index',
          stdin: { contents: spec.source ?? EMPTY, resolveDir: REPO_ROOT, loader: 'js' },
        },
  );
  const file = startupFile(dir);
  const startup = startupOutputs(result.metafile!, file);
  const bytes = startup.reduce((sum, [, output]) => sum + output.bytes, 0);
  return { file, bytes, largest: largestParts(startup) };
}

type Output = Metafile['outputs'][string];

/** The outputs a cold start loads: the start-up file and what it imports statically. */
export function startupOutputs(metafile: Metafile, file: string): [string, Output][] {
  const outputs = Object.entries(metafile.outputs);
  const key = outputs.find(([path]) => resolve(path) === resolve(file))?.[0];
  if (!key) throw new Error(`esbuild wrote no ${file}`);
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const i of metafile.outputs[path]?.imports ?? []) {
      if (i.kind === 'import-statement' && !i.external) visit(i.path);
    }
  };
  visit(key);
  return outputs.filter(([path]) => seen.has(path));
}

/** The three packages (or project folders) that take the most of the start-up bytes. */
function largestParts(startup: [string, Output][]): { part: string; kb: number }[] {
  const bytes = new Map<string, number>();
  for (const [, output] of startup) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      if (input === '<stdin>') continue; // a baseline's own few lines
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
      const part = pkg ?? input.split('/').slice(0, 2).join('/');
      bytes.set(part, (bytes.get(part) ?? 0) + bytesInOutput);
    }
  }
  return [...bytes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([part, n]) => ({ part, kb: Math.round(n / 1024) }));
}
