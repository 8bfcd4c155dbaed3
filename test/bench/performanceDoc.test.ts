import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BENCH_END, BENCH_START, withBenchReport } from '../../bench/performanceDoc.js';

describe('the bench report on docs/performance.md', () => {
  it('replaces only what lies between the markers', () => {
    const page = `# Performance\n\nintro\n\n${BENCH_START}\n\nold\n${BENCH_END}\n\nafter\n`;
    const next = withBenchReport(page, '| new |');
    expect(next).toBe(
      `# Performance\n\nintro\n\n${BENCH_START}\n\n| new |\n${BENCH_END}\n\nafter\n`,
    );
  });

  it('builds the page when it has no markers yet', () => {
    const next = withBenchReport('', '| new |');
    expect(next.startsWith('# Performance\n\n`npm run bench`')).toBe(true);
    expect(next).toContain(`${BENCH_START}\n\n| new |\n${BENCH_END}`);
  });

  it('targets the page that holds the markers, and the README no longer does', () => {
    const doc = readFileSync('docs/performance.md', 'utf8');
    expect(doc.indexOf(BENCH_START)).toBeGreaterThan(0);
    expect(doc.indexOf(BENCH_END)).toBeGreaterThan(doc.indexOf(BENCH_START));
    expect(readFileSync('README.md', 'utf8')).not.toContain('bench:start');
  });
});
