import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

interface Manifest {
  engines: { node: string };
  packages: Record<string, { version?: string; engines?: unknown }>;
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Manifest;
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as Manifest;

describe('Node versions', () => {
  it('every locked package takes the oldest Node the project supports (no EBADENGINE on npm ci)', () => {
    const oldest = semver.minVersion(pkg.engines.node)!.version;
    const refusing = Object.entries(lock.packages)
      .filter(([, p]) => {
        const node = (p.engines as { node?: unknown } | undefined)?.node;
        return typeof node === 'string' && !semver.satisfies(oldest, node);
      })
      .map(([path, p]) => `${path}@${p.version}`);
    expect(oldest).toBe('20.19.0');
    expect(refusing).toEqual([]);
  });
});
