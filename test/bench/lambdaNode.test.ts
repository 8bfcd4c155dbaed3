import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findLambdaNode, LAMBDA_NODE_VERSION } from '../../bench/lambdaNode.js';

const search = (over: Partial<Parameters<typeof findLambdaNode>[0]>) => {
  const lines: string[] = [];
  return {
    lines,
    search: {
      running: 'v20.20.2',
      given: undefined,
      cacheRoot: mkdtempSync(join(tmpdir(), 'taskpipe-node-cache-')),
      mayFetch: false,
      progress: (line: string) => lines.push(line),
      ...over,
    },
  };
};

describe("the bench's Node", () => {
  it('is the running one when it is of Lambda’s major version', async () => {
    const { search: s } = search({ running: `v${LAMBDA_NODE_VERSION.split('.')[0]}.1.0` });
    expect(await findLambdaNode(s)).toEqual({ path: process.execPath, version: s.running });
  });

  it('is TASKPIPE_BENCH_NODE when given, with the version it reports', async () => {
    const { search: s } = search({ given: process.execPath });
    expect(await findLambdaNode(s)).toEqual({ path: process.execPath, version: process.version });
  });

  it('is the cached binary when there is one', async () => {
    const { search: s } = search({});
    const bin = join(
      s.cacheRoot,
      `node-v${LAMBDA_NODE_VERSION}-${process.platform}-${process.arch}`,
      'bin',
    );
    mkdirSync(bin, { recursive: true });
    symlinkSync(process.execPath, join(bin, 'node'));
    const node = await findLambdaNode(s);
    expect(node.path).toBe(join(bin, 'node'));
    expect(node.fallback).toBeUndefined();
  });

  it('falls back to the running one, saying why, when it may not fetch', async () => {
    const { search: s, lines } = search({});
    const node = await findLambdaNode(s);
    expect(node).toMatchObject({ path: process.execPath, version: 'v20.20.2' });
    expect(node.fallback).toMatch(
      new RegExp(`Node ${LAMBDA_NODE_VERSION} is not in .*; measured on this machine's v20.20.2`),
    );
    expect(lines).toEqual([node.fallback]);
  });
});
