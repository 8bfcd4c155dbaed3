import { createHash } from 'node:crypto';
import { seededRandom } from '../cli/demo/seededRandom.js';

/**
 * A uniform number in [0, 1) fixed by the seed and the parts: a fault decided this way is
 * the same on every run with the same seed, whatever order the calls arrive in.
 */
export function unitFor(seed: number, ...parts: (string | number)[]): number {
  const digest = createHash('sha256')
    .update(`${seed}|${parts.join('|')}`)
    .digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/**
 * A seeded stream for decisions with no natural key, such as which SDK call fails; the
 * count is reproducible, the exact calls depend on scheduling.
 */
export const seededStream = seededRandom;

/** The band `u` falls in when the rates are laid end to end from 0; none past their sum. */
export function pickBand<T extends string>(
  u: number,
  bands: readonly (readonly [T, number])[],
): T | undefined {
  let edge = 0;
  for (const [name, rate] of bands) {
    edge += rate;
    if (u < edge) return name;
  }
  return undefined;
}
