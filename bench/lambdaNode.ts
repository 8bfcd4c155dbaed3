import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The Node.js that Lambda's `nodejs24.x` runs our functions on. Cold starts and per-task
 * work are counted on it, not on the machine's Node: on Node 20, the first
 * AsyncLocalStorage.run() installs promise hooks that every later promise pays for;
 * Node 24 keeps the store in the async context frame instead (docs/performance.md).
 */
export const LAMBDA_NODE_VERSION = '24.22.3';

export interface NodeBinary {
  path: string;
  /** `v24.22.3`. */
  version: string;
  /** Why the machine's own Node is used instead, when it is. */
  fallback?: string;
}

let resolved: Promise<NodeBinary> | undefined;
let mayFetch = false;

/** Lets `lambdaNode` fetch the binary: the bench's command line does, tests do not. */
export function allowFetchingLambdaNode(): void {
  mayFetch = true;
}

/**
 * The binary to measure with: this process's Node if it is of the functions' major
 * version; else `TASKPIPE_BENCH_NODE`; else the pinned version from the npm registry's
 * `node-<platform>-<arch>` package, fetched once into ~/.cache/taskpipe (only once
 * `allowFetchingLambdaNode` was called). Without it, this process's Node, with the reason.
 */
export function lambdaNode(progress: (line: string) => void = () => {}): Promise<NodeBinary> {
  resolved ??= findLambdaNode({
    running: process.version,
    given: process.env.TASKPIPE_BENCH_NODE,
    cacheRoot: join(homedir(), '.cache', 'taskpipe'),
    mayFetch,
    progress,
  });
  return resolved;
}

/** Where to look, and whether to fetch: `lambdaNode`'s inputs, apart for tests. */
export interface NodeSearch {
  /** This process's version, `v20.20.2`. */
  running: string;
  given: string | undefined;
  cacheRoot: string;
  mayFetch: boolean;
  progress: (line: string) => void;
}

const major = (version: string) => version.replace(/^v/, '').split('.')[0];

export async function findLambdaNode(search: NodeSearch): Promise<NodeBinary> {
  const { running, given, mayFetch, progress } = search;
  if (major(running) === major(LAMBDA_NODE_VERSION)) {
    return { path: process.execPath, version: running };
  }
  if (given) return { path: given, version: await versionOf(given) };
  const dir = join(
    search.cacheRoot,
    `node-v${LAMBDA_NODE_VERSION}-${process.platform}-${process.arch}`,
  );
  const path = join(dir, 'bin', 'node');
  const fallback = (why: string): NodeBinary => {
    const text = `Node ${LAMBDA_NODE_VERSION} ${why}; measured on this machine's ${running}`;
    progress(text);
    return { path: process.execPath, version: running, fallback: text };
  };
  if (!existsSync(path) && !mayFetch) return fallback(`is not in ${search.cacheRoot}`);
  try {
    if (!existsSync(path)) await fetchNode(dir, progress);
    return { path, version: await versionOf(path) };
  } catch (error) {
    return fallback(`could not be fetched (${(error as Error).message.split('\n')[0]})`);
  }
}

async function versionOf(path: string): Promise<string> {
  const { stdout } = await run(path, ['--version']);
  return stdout.trim();
}

/** `npm pack` checks the tarball against the registry's integrity hash. */
async function fetchNode(dir: string, progress: (line: string) => void): Promise<void> {
  const pkg = `node-${process.platform}-${process.arch}@${LAMBDA_NODE_VERSION}`;
  progress(`fetching ${pkg} from the npm registry (about 50 MB, once)…`);
  const work = await mkdtemp(join(tmpdir(), 'taskpipe-node-'));
  try {
    const { stdout } = await run('npm', ['pack', pkg, '--pack-destination', work, '--silent'], {
      timeout: 600_000,
    });
    const tarball = join(work, stdout.trim().split('\n').pop() ?? '');
    await run('tar', ['-xzf', tarball, '-C', work]);
    await mkdir(join(dir, '..'), { recursive: true });
    await rename(join(work, 'package'), dir);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
