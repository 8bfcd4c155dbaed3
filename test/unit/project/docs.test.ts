import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const pages = ['README.md', ...readdirSync('docs').map((f) => join('docs', f))].filter((f) =>
  f.endsWith('.md'),
);
const taskSources = readdirSync('functions/tasks')
  .filter((f) => f.endsWith('.ts'))
  .map((f) => join('functions/tasks', f));

const zodImports = (text: string) =>
  [...text.matchAll(/^import .* from 'zod';$/gm)].map((m) => m[0]);

describe('the documentation', () => {
  it('keeps the README a front door that links every docs page', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(15 * 1024);
    expect(readme.split('\n').slice(3, 5)).toEqual([
      'npm ci && npm start     # the whole pipeline on this machine: no AWS account, no Docker',
      'npm ci && npm test      # typecheck, lint and every test suite',
    ]);
    for (const page of [
      'deploy',
      'tasks',
      'http-api',
      'cli',
      'operations',
      'reliability',
      'performance',
      'configuration',
    ]) {
      expect(readme).toContain(`(docs/${page}.md)`);
    }
  });

  it('imports zod in examples the way the task types do (the bundle stays small)', () => {
    const ours = new Set(taskSources.flatMap((f) => zodImports(readFileSync(f, 'utf8'))));
    expect([...ours]).toEqual(["import * as z from 'zod';"]);
    for (const page of pages) {
      for (const line of zodImports(readFileSync(page, 'utf8'))) {
        expect(`${page}: ${line}`).toBe(`${page}: import * as z from 'zod';`);
      }
    }
  });

  it('states the supported Node versions for local use and for Lambda', () => {
    const config = readFileSync('docs/configuration.md', 'utf8');
    expect(config).toMatch(/## Node versions/);
    expect(config).toMatch(/Node 20\.19 or later/);
    expect(config).toMatch(/nodejs24\.x/);
  });

  it('has no links to pages that do not exist', () => {
    for (const page of pages) {
      const text = readFileSync(page, 'utf8');
      for (const [, target] of text.matchAll(/\]\(((?:docs\/)?[\w-]+\.md)(?:#[\w-]+)?\)/g)) {
        const path = page === 'README.md' ? target! : join('docs', target!);
        expect(() => readFileSync(path), `${page} links ${target}`).not.toThrow();
      }
    }
  });
});
