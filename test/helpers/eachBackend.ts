import { afterAll, beforeAll, describe } from 'vitest';
import type { Backend } from './backend.js';
import { type BackendFactory, backendFactories } from './backends.js';

/**
 * Runs a suite once per backend (fauxqs + dynalite, then moto): the same contract on two
 * independent emulators. The backend starts before the suite's own hooks and stops after;
 * `current()` returns it. A backend that cannot run here is skipped with its reason printed
 * (never in CI, where a missing moto fails the run).
 */
export function describeOnEachBackend(
  title: string,
  body: (current: () => Backend, name: BackendFactory['name']) => void,
): void {
  for (const factory of backendFactories) {
    const { name, skipReason } = factory;
    if (skipReason) console.warn(`skipping "${title}" on ${name}: ${skipReason}`);
    describe.skipIf(skipReason !== undefined)(`${title} on ${name}`, () => {
      let backend: Backend | undefined;
      beforeAll(async () => {
        backend = await factory.start();
      });
      afterAll(async () => backend?.stop());
      body(() => {
        if (!backend) throw new Error(`the ${name} backend did not start`);
        return backend;
      }, name);
    });
  }
}
