import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_API_ENTRY, DEFAULT_CONSUMER_ENTRY } from '../../infra/index.js';
import { missingEntries } from '../helpers/bundleEntries.js';
import { logicalId, synthTaskpipe, tempDir } from './fixtures.js';
import { withSpawnableStderr } from './spawnableStderr.js';

/**
 * Most bytes a cold start may read: the start-up file and the chunks it imports
 * statically. Its size is most of the cold start. What is loaded on first use by
 * `import()` (the SES v2 client and the MIME composer for `email.send`, the SNS client for
 * breaker notices, Secrets Manager for callback keys: about 330 KiB in the consumer) is
 * split into chunks of its own, read only when first used (docs/performance.md). About
 * 497 KiB (consumer) and 481 KiB (API) today.
 */
const STARTUP_BUDGET_BYTES = { consumer: 540 * 1024, api: 520 * 1024 };

/** Packages loaded by `import()` on first use: in no start-up file, each in some chunk. */
const LAZY_PACKAGES = {
  consumer: ['@aws-sdk/client-sesv2', 'nodemailer', '@aws-sdk/client-sns'],
  api: ['@aws-sdk/client-sns'],
};

/** The packages an output file was built from, as its source map lists them. */
function packagesOf(file: string): Set<string> {
  const map = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] };
  return new Set(
    map.sources.flatMap((s) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(s)?.[1] ?? []),
  );
}

/** The output files a cold start reads: index.mjs and what it imports statically. */
function startupFiles(dir: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const [, spec] of code.matchAll(
      /(?:^|[;}\s])import\s*(?:[\w*{}\s,$]+from\s*)?["'](\.[^"']+)["']/g,
    )) {
      visit(join(dirname(file), spec!));
    }
  };
  visit(join(dir, 'index.mjs'));
  return [...seen];
}

// The one synthesis with real bundling (esbuild, locally): every other test skips it.
const entries = [DEFAULT_CONSUMER_ENTRY, DEFAULT_API_ENTRY];
const missing = missingEntries('the bundling test', entries);

let outdir: string;
let template: Template;
let functions: { consumer: LambdaFunction; api: LambdaFunction };

beforeAll(() => {
  if (missing.length) return;
  outdir = tempDir('bundle');
  const synth = withSpawnableStderr(() =>
    synthTaskpipe({ bundle: true, outdir, consumerEntry: undefined, apiEntry: undefined }),
  );
  template = synth.statelessTemplate;
  const { pipeline } = synth.stateless;
  functions = { consumer: pipeline.consumer.function, api: pipeline.api.function };
}, 180_000);

/** Enough configuration for either handler to start (each parses it at cold start). */
const env = {
  PATH: process.env.PATH,
  AWS_REGION: 'eu-west-1',
  TASKPIPE_TABLE_NAME: 'tasks',
  TASKPIPE_QUEUES: JSON.stringify([
    {
      priority: 'default',
      name: 'q',
      url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/q',
      dlqUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/q-dlq',
      fifo: false,
    },
  ]),
};

describe.skipIf(missing.length > 0).each([
  { name: 'consumer', source: 'functions/consumer/handler.ts' },
  { name: 'api', source: 'functions/api/handler.ts' },
] as const)('$name bundle', ({ name, source }) => {
  let bundleDir: string;
  let handlerProps: Record<string, unknown>;

  beforeAll(() => {
    handlerProps = template.toJSON().Resources[logicalId(functions[name])].Properties;
    // The code's S3 key is `<asset hash>.zip`; the staged asset is `asset.<hash>` in outdir.
    const hash = String((handlerProps.Code as { S3Key: string }).S3Key).replace(/\.zip$/, '');
    bundleDir = join(outdir, `asset.${hash}`);
  });

  it('is minified ESM with source maps, no sources inlined, lazily loaded code in chunks', () => {
    expect(readdirSync(bundleDir).sort()).toEqual(['chunks', 'index.mjs', 'index.mjs.map']);
    const code = readFileSync(join(bundleDir, 'index.mjs'), 'utf8');
    const lines = code.split('\n');
    expect(code.length / lines.length).toBeGreaterThan(1_000); // minified: few, long lines
    expect(code).toMatch(/^import\s*\{\s*createRequire\s*\}\s*from\s*'node:module'/);
    const map = JSON.parse(readFileSync(join(bundleDir, 'index.mjs.map'), 'utf8'));
    expect(map.sources.some((s: string) => s.endsWith(source))).toBe(true);
    expect(map.sourcesContent).toBeUndefined();
    const chunks = readdirSync(join(bundleDir, 'chunks'));
    for (const chunk of chunks.filter((f) => f.endsWith('.mjs'))) {
      expect(chunks).toContain(`${chunk}.map`);
    }
  });

  it('keeps what is loaded on first use out of the start-up files, within a budget', () => {
    const startup = startupFiles(bundleDir);
    const chunks = readdirSync(join(bundleDir, 'chunks'))
      .filter((f) => f.endsWith('.mjs'))
      .map((f) => join(bundleDir, 'chunks', f));
    const lazy = chunks.filter((f) => !startup.includes(f));
    const startupPackages = new Set(startup.flatMap((f) => [...packagesOf(f)]));
    const lazyPackages = new Set(lazy.flatMap((f) => [...packagesOf(f)]));
    for (const pkg of LAZY_PACKAGES[name]) {
      expect(startupPackages).not.toContain(pkg);
      expect(lazyPackages).toContain(pkg);
    }
    expect(startupPackages).toContain('zod'); // the packages a first batch runs stay
    const bytes = startup.reduce((sum, f) => sum + statSync(f).size, 0);
    // \`import { z } from 'zod'\` in one task type pulls in zod's whole classic API, locales
    // included (+300 KiB): the budget catches it, and so does the locale check below.
    expect(bytes).toBeLessThan(STARTUP_BUDGET_BYTES[name]);
    const code = [...startup, ...chunks].map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(code).not.toContain('Ungültige Eingabe');
    expect(handlerProps).toMatchObject({ Handler: 'index.handler' });
  });

  it('loads every lazily loaded chunk in Node', () => {
    const chunks = readdirSync(join(bundleDir, 'chunks')).filter((f) => f.endsWith('.mjs'));
    const script = `for (const f of ${JSON.stringify(chunks.map((f) => join(bundleDir, 'chunks', f)))}) await import(f); console.log('loaded');`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out.trim()).toBe('loaded');
  });

  it('loads in Node and exports the handler', () => {
    const script = `import(${JSON.stringify(join(bundleDir, 'index.mjs'))}).then((m) => console.log(typeof m.handler))`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out.trim()).toBe('function');
  });
});
