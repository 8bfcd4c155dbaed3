/**
 * The samples a line cannot show: a value with no value on either side (CloudWatch's sparse
 * minutes). The chart draws these as dots; a line draws the rest.
 */
export function isolatedPoints(values: ArrayLike<number | null | undefined>): number[] {
  const present = (i: number) => values[i] !== null && values[i] !== undefined;
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (present(i) && !present(i - 1) && !present(i + 1)) out.push(i);
  }
  return out;
}
