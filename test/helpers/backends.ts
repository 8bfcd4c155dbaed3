import type { Backend } from './backend.js';
import { startEmulators } from './emulators.js';
import { motoAvailability, startMoto } from './moto.js';

export type { Backend } from './backend.js';
export { TEST_CREDENTIALS, TEST_REGION } from './backend.js';
export { startEmulators } from './emulators.js';
export { motoAvailability } from './moto.js';
export type { QueuePair } from './resources.js';
export { createQueuePair, createTaskTable, uniqueName } from './resources.js';

export interface BackendFactory {
  name: Backend['name'];
  start: () => Promise<Backend>;
  /** Set when the backend cannot run here; tests print it and skip. Never set in CI. */
  skipReason?: string;
}

function motoSkipReason(): string | undefined {
  // The mutation run judges mutants on the emulators alone: moto doubles every run.
  const only = process.env.TASKPIPE_TEST_BACKENDS;
  if (only && !only.split(',').includes('moto')) {
    return `TASKPIPE_TEST_BACKENDS=${only} leaves moto out`;
  }
  const availability = motoAvailability();
  if (availability.available) return undefined;
  // In CI a missing moto must fail the run: startMoto() then throws with the reason.
  if (process.env.CI) return undefined;
  return availability.reason;
}

/**
 * Every backend an integration suite should run against, for `describe.each`:
 *
 * ```ts
 * describe.each(backendFactories)('on $name', ({ start, skipReason }) => { … });
 * ```
 */
export const backendFactories: BackendFactory[] = [
  { name: 'emulators', start: startEmulators },
  { name: 'moto', start: startMoto, skipReason: motoSkipReason() },
];
