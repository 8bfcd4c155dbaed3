import type { LocalPipeline } from '../local/LocalPipeline.js';
import type { ChaosClock } from './ChaosClock.js';

/**
 * How far the long delays' clock moves per drain poll (and per restart): the longest delay,
 * 6 h, in 72 polls, so the delayed tasks come due across most of a run and its restarts.
 */
const CLOCK_STEP_MS = 5 * 60_000;

/**
 * The drain's side of the long delays: it moves the clock a step at every poll and while a
 * restart has the runtime down, and counts the schedules not yet sent as work left.
 */
export class ClockedDrain {
  /** Schedules the timer held when the runtime was restarted, summed over the restarts. */
  heldAcrossRestarts = 0;

  constructor(private readonly clock: ChaosClock) {}

  /** Before a restart: counts what the timer holds; the start it returns moves the clock first. */
  restarting(pipeline: LocalPipeline, start: () => Promise<LocalPipeline>) {
    this.heldAcrossRestarts += pipeline.scheduler.pending().length;
    return () => {
      this.clock.advance(CLOCK_STEP_MS);
      return start();
    };
  }

  /**
   * Moves the clock a step, then gives the work left: `queued` messages and the schedules not
   * yet sent; `waiting` when only schedules not yet due are left, which is no stall.
   */
  step(pipeline: LocalPipeline, queued: () => Promise<number>) {
    this.clock.advance(CLOCK_STEP_MS);
    pipeline.scheduler.recheck();
    return queued().then((messages) => {
      const schedules = pipeline.scheduler.pending();
      const now = this.clock.now();
      return {
        depth: messages + schedules.length,
        waiting: messages === 0 && schedules.length > 0 && schedules.every((s) => s.at > now),
      };
    });
  }
}
