import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The suites a mutant is judged by: unit and integration only. The e2e and chaos suites
 * start a whole pipeline in `beforeAll`, which makes every mutant static and reruns them
 * all; a kill must come from a test aimed at the behaviour.
 *
 * `TASKPIPE_MUTATION_TESTS` (comma-separated globs) narrows that to the files that reach
 * the code being mutated, which shortens a run several times (docs/mutation-testing.md).
 */
const narrowed = process.env.TASKPIPE_MUTATION_TESTS?.split(',')
  .map((glob) => glob.trim())
  .filter(Boolean);

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: narrowed?.length
      ? narrowed
      : ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    // Every contract runs on moto too in `npm test`; here it would only double each run,
    // unless a run asks for it (`TASKPIPE_TEST_BACKENDS=emulators,moto`) for a fast suite.
    env: {
      ...base.test?.env,
      TASKPIPE_TEST_BACKENDS: process.env.TASKPIPE_TEST_BACKENDS ?? 'emulators',
    },
  },
});
