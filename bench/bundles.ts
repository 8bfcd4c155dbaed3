import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { bundledFunctionProps, FUNCTION_RUNTIME } from '../infra/constructs/functionDefaults.js';
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
 * Bundles `spec` into `outDir` with the settings the CDK app gives every function
 * (functionDefaults.ts): minified ESM for the function's Node runtime, nothing external,
 * the same banner. Returns the file and its size; the source map is a separate file, not
 * loaded at run time, so it is not counted.
 */
export async function bundle(
  spec: BundleSpec,
  outDir: string,
): Promise<{ file: string; bytes: number; largest: { part: string; kb: number }[] }> {
  const bundling = bundledFunctionProps(spec.entry ?? 'baseline').bundling!;
  const file = join(outDir, `${spec.name.replace(/[^a-z0-9]+/gi, '-')}.mjs`);
  const options: BuildOptions = {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: FUNCTION_RUNTIME.name.replace('nodejs', 'node').replace('.x', ''),
    minify: bundling.minify ?? false,
    sourcemap: bundling.sourceMap ? 'linked' : false,
    sourcesContent: bundling.sourcesContent ?? true,
    mainFields: bundling.mainFields ?? ['module', 'main'],
    external: bundling.externalModules ?? [],
    ...(bundling.banner ? { banner: { js: bundling.banner } } : {}),
    outfile: file,
    metafile: true,
    logLevel: 'silent',
  };
  const result = await build(
    spec.entry
      ? { ...options, entryPoints: [join(REPO_ROOT, spec.entry)] }
      : {
          ...options,
          stdin: { contents: spec.source ?? EMPTY, resolveDir: REPO_ROOT, loader: 'js' },
        },
  );
  return { file, bytes: (await stat(file)).size, largest: largestParts(result.metafile!) };
}

/** The three packages (or project folders) that take the most of the bundle. */
function largestParts(metafile: Metafile): { part: string; kb: number }[] {
  const output = Object.entries(metafile.outputs).find(([path]) => path.endsWith('.mjs'));
  const bytes = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.[1].inputs ?? {})) {
    if (input === '<stdin>') continue; // a baseline's own few lines
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
    const part = pkg ?? input.split('/').slice(0, 2).join('/');
    bytes.set(part, (bytes.get(part) ?? 0) + bytesInOutput);
  }
  return [...bytes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([part, n]) => ({ part, kb: Math.round(n / 1024) }));
}
