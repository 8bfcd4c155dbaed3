import type { Clock } from '../functions/core/ports.js';

/**
 * The clock long delays are measured against in the chaos run: the system time plus an
 * offset the run moves forward, so a delay of hours comes due in seconds. It never goes back.
 */
export class ChaosClock implements Clock {
  #offsetMs = 0;

  now(): number {
    return Date.now() + this.#offsetMs;
  }

  advance(ms: number): void {
    this.#offsetMs += Math.max(0, ms);
  }
}
