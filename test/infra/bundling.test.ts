import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_API_ENTRY, DEFAULT_CONSUMER_ENTRY } from '../../infra/index.js';
import { missingEntries } from '../helpers/bundleEntries.js';
import { logicalId, synthTaskpipe, tempDir } from './fixtures.js';
import { withSpawnableStderr } from './spawnableStderr.js';

/**
 * Most bytes a function's bundle may have: its size is most of the cold start. The
 * consumer's is larger because the built-in `email.send` brings the SES v2 client and a
 * MIME composer (about 240 KiB) into every consumer (docs/email.md, "Cost"). They are
 * loaded on the first email, so esbuild wraps them for lazy evaluation (about 60 KiB more
 * bytes, but no SES module runs at a cold start). The SNS client that publishes breaker
 * notices to the alarm topic (docs/pause-and-breakers.md) adds about 52 KiB, its query
 * protocol's XML parser among them; it too is loaded only on the first notice, so the
 * budget grew from 920 to 960 KiB for bytes that no cold start runs. The API carries the
 * same SNS client, loaded the same way, to announce breakers moved by hand (about 52 KiB):
 * its budget grew from 640 to 680 KiB.
 */
const BUNDLE_BUDGET_BYTES = { consumer: 960 * 1024, api: 680 * 1024 };

// The one synthesis with real bundling (esbuild, locally): every other test skips it.
const entries = [DEFAULT_CONSUMER_ENTRY, DEFAULT_API_ENTRY];
const missing = missingEntries('the bundling test', entries);

let outdir: string;
let template: Template;
let functions: { consumer: NodejsFunction; api: NodejsFunction };

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

  it('is one minified ESM file with a source map and no sources inlined', () => {
    expect(readdirSync(bundleDir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    const code = readFileSync(join(bundleDir, 'index.mjs'), 'utf8');
    const lines = code.split('\n');
    expect(code.length / lines.length).toBeGreaterThan(1_000); // minified: few, long lines
    expect(code).toMatch(/^import\s*\{\s*createRequire\s*\}\s*from\s*'node:module'/);
    const map = JSON.parse(readFileSync(join(bundleDir, 'index.mjs.map'), 'utf8'));
    expect(map.sources.some((s: string) => s.endsWith(source))).toBe(true);
    expect(map.sourcesContent).toBeUndefined();
  });

  it('bundles the dependencies, within a cold-start budget', () => {
    const bytes = statSync(join(bundleDir, 'index.mjs')).size;
    // About 940 KiB (consumer) and 636 KiB (API) today. \`import { z } from 'zod'\` in one
    // task type pulls in zod's whole classic API, locales included (+300 KiB): the budget
    // catches it, and so does the locale check below.
    expect(bytes).toBeLessThan(BUNDLE_BUDGET_BYTES[name]);
    expect(readFileSync(join(bundleDir, 'index.mjs'), 'utf8')).not.toContain('Ungültige Eingabe');
    expect(handlerProps).toMatchObject({ Handler: 'index.handler' });
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
