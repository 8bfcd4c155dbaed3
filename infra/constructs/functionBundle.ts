import { join, relative } from 'node:path';
import { AssetHashType, DockerImage, type ILocalBundling } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { type BuildOptions, buildSync } from 'esbuild';
import { REPO_ROOT } from './paths.js';

/** The file Lambda loads: `index.mjs`, exporting `handler`. */
export const FUNCTION_HANDLER = 'index.handler';

/** esbuild's target for the functions' runtime (Node.js 24, FUNCTION_RUNTIME). */
export const FUNCTION_TARGET = 'node24';

/**
 * How every taskpipe function is built: minified ESM for its Node runtime with the
 * dependencies pinned by package-lock.json, nothing external (the SDK versions tested are
 * the ones deployed). Code loaded by `import()` on first use (SES, SNS, Secrets Manager,
 * the MIME composer) goes into chunks of its own, so a cold start neither reads nor
 * compiles it: the start-up file holds only what a first batch can run.
 */
export function functionBuildOptions(outdir: string): BuildOptions {
  return {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: FUNCTION_TARGET,
    minify: true,
    sourcemap: 'linked',
    sourcesContent: false,
    mainFields: ['module', 'main'],
    external: [],
    splitting: true,
    outdir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'warning',
  };
}

/**
 * A function's code: `entry` built by esbuild in this process (no Docker) into
 * `index.mjs` and its lazily loaded chunks. NodejsFunction cannot split a bundle (it
 * writes one file), so this replaces its bundling; the asset's hash is the output's.
 */
export function functionCode(entry: string): Code {
  return Code.fromAsset(REPO_ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the type; never pulled, since the local build below always runs.
      image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs24.x'),
      local: new EsbuildBundling(entry),
    },
  });
}

/**
 * The build, run in this process. The CDK caches staged assets by their options as JSON,
 * where a method leaves no trace: `source` (a field, so it is in the JSON) keeps each
 * function's code apart; without it every function would get the first one's.
 */
class EsbuildBundling implements ILocalBundling {
  readonly source: string;

  constructor(private readonly entry: string) {
    this.source = relative(REPO_ROOT, entry);
  }

  tryBundle(outputDir: string): boolean {
    buildSync({ ...functionBuildOptions(outputDir), entryPoints: { index: this.entry } });
    return true;
  }
}

/** Where a function's start-up file lies in a directory `functionCode` built. */
export const startupFile = (dir: string) => join(dir, 'index.mjs');
