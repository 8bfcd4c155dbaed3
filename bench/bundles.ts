import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
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
): Promise<{ file: string; bytes: number }> {
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
    logLevel: 'silent',
  };
  await build(
    spec.entry
      ? { ...options, entryPoints: [join(REPO_ROOT, spec.entry)] }
      : {
          ...options,
          stdin: { contents: spec.source ?? EMPTY, resolveDir: REPO_ROOT, loader: 'js' },
        },
  );
  return { file, bytes: (await stat(file)).size };
}
