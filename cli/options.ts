import { InvalidArgumentError } from 'commander';
import { TASK_STATUSES, type TaskStatus } from '../functions/core/status.js';

/** A commander parser for an integer within bounds; anything else is a usage error. */
export function integer(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    }
    return n;
  };
}

/** A task status in any case (`failed`, `FAILED`); anything else names the statuses. */
export function status(value: string): TaskStatus {
  const upper = value.trim().toUpperCase();
  const found = TASK_STATUSES.find((s) => s === upper);
  if (!found) throw new InvalidArgumentError(`expected one of ${TASK_STATUSES.join(', ')}`);
  return found;
}

/** Queue priorities are lower case; a person may type `HIGH`. */
export const lowerCase = (value: string): string => value.trim().toLowerCase();
