import { seededRandom } from './seededRandom.js';

export interface DemoTaskRequest {
  type: 'noop' | 'logs.summarize' | 'http.post';
  payload: unknown;
  priority: string;
}

const pick = <T>(random: () => number, weighted: readonly [T, number][]): T => {
  let r = random() * weighted.reduce((n, [, w]) => n + w, 0);
  for (const [value, weight] of weighted) {
    r -= weight;
    if (r < 0) return value;
  }
  return weighted.at(-1)![0];
};

/** Mostly a clean 200; some transient failures that recover; a few permanent 400s. */
const HTTP_PLANS: [number[], number][] = [
  [[], 65],
  [[500], 14],
  [[429], 10],
  [[500, 429], 6],
  [[400], 5],
];

const LEVELS: [string, number][] = [
  ['INFO', 60],
  ['DEBUG', 20],
  ['WARN', 12],
  ['ERROR', 8],
];
const ERRORS = [
  'timeout calling payments after 3000ms',
  'connection reset by peer 10.0.3.17',
  'order 48213 not found',
  'retrying upload of part 7',
];

function logLines(random: () => number, start: number): string[] {
  const count = 20 + Math.floor(random() * 60);
  return Array.from({ length: count }, (_, i) => {
    const level = pick(random, LEVELS);
    const at = new Date(start + i * 1_000).toISOString();
    const message =
      level === 'ERROR' || level === 'WARN'
        ? ERRORS[Math.floor(random() * ERRORS.length)]
        : `handled request ${Math.floor(random() * 100_000)} in ${Math.floor(random() * 300)}ms`;
    return `${at} ${level} ${message}`;
  });
}

/** `count` tasks: noop successes, log summaries, and webhook calls with planned failures. */
export function demoWorkload(
  count: number,
  endpointUrl: string,
  seed: number,
  priorities: readonly string[],
): DemoTaskRequest[] {
  const random = seededRandom(seed);
  const start = Date.UTC(2026, 0, 1);
  // Most work at the default priority, some on each of the others.
  const byPriority = priorities.map((p): [string, number] => [p, p === 'default' ? 6 : 2]);
  return Array.from({ length: count }, (_, i): DemoTaskRequest => {
    const priority = pick(random, byPriority);
    const type = pick(random, [
      ['noop', 40],
      ['logs.summarize', 25],
      ['http.post', 35],
    ] as [DemoTaskRequest['type'], number][]);
    if (type === 'noop') {
      return { type, priority, payload: { sleepMs: Math.floor(random() * 50) } };
    }
    if (type === 'logs.summarize') {
      return { type, priority, payload: { source: `demo-${i}`, lines: logLines(random, start) } };
    }
    const fail = pick(random, HTTP_PLANS);
    return {
      type,
      priority,
      payload: { url: `${endpointUrl}/hooks/orders`, body: { order: i, fail } },
    };
  });
}
