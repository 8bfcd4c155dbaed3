import { existsSync } from 'node:fs';

/**
 * The bundle entries of `suite` that do not exist. Outside CI the suite prints why and
 * skips; under `CI=true` a missing entry is a broken build, so this throws instead.
 */
export function missingEntries(suite: string, entries: readonly string[]): string[] {
  const missing = entries.filter((entry) => !existsSync(entry));
  if (!missing.length) return missing;
  const why = `${suite} needs ${missing.join(', ')}, which does not exist`;
  if (process.env.CI) throw new Error(`${why} (CI=true: a bundling test never skips)`);
  console.warn(`Skipping ${suite}: ${why}.`);
  return missing;
}
