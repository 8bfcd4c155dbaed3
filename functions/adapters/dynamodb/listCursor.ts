import * as z from 'zod';
import { taskIdSchema } from '../../core/envelope.js';
import { InvalidCursorError } from '../../core/service/errors.js';

/**
 * List cursors are opaque to callers: base64url of a small JSON document
 *
 *     { "v": 1, "f": { "s": "FAILED", "t": "http.post" }, "p": { "at": 1767225600000, "id": "01J…" } }
 *
 * `f` repeats the filters the cursor was issued for (a cursor from another query is
 * refused), and `p` is the last task returned: `{ at, id }` (failure time and id) on the
 * failure index, `{ id }` for a scan. Decoding validates all of it; nothing from a cursor
 * reaches an expression except as a bound value.
 */
const filtersSchema = z.strictObject({
  s: z.string().max(16).optional(),
  t: z.string().max(64).optional(),
  /** Priority and creation-time range of a scan. */
  p: z.string().max(64).optional(),
  a: z.number().int().optional(),
  b: z.number().int().optional(),
});

const cursorSchema = z.strictObject({
  v: z.literal(1),
  f: filtersSchema,
  p: z.union([
    z.strictObject({ at: z.number().int().nonnegative(), id: taskIdSchema }),
    z.strictObject({ id: taskIdSchema }),
  ]),
});

export type CursorFilters = z.infer<typeof filtersSchema>;
export type FailurePosition = { at: number; id: string };
export type ScanPosition = { id: string };

/** Longest cursor accepted; real ones are under 300 characters. */
const MAX_CURSOR_LENGTH = 1_024;

export function encodeCursor(filters: CursorFilters, position: FailurePosition | ScanPosition) {
  return Buffer.from(JSON.stringify({ v: 1, f: filters, p: position })).toString('base64url');
}

/** The position in `cursor`, if it was issued for `filters` and has the expected shape. */
export function decodeCursor<K extends 'failure' | 'scan'>(
  cursor: string,
  filters: CursorFilters,
  kind: K,
): K extends 'failure' ? FailurePosition : ScanPosition {
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw new InvalidCursorError('not base64url');
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('not JSON');
  }
  const parsed = cursorSchema.safeParse(json);
  if (!parsed.success) throw new InvalidCursorError('unexpected shape');
  const { f, p } = parsed.data;
  if (
    f.s !== filters.s ||
    f.t !== filters.t ||
    f.p !== filters.p ||
    f.a !== filters.a ||
    f.b !== filters.b
  ) {
    throw new InvalidCursorError(
      `it was issued for ${describe(f)} but this query has ${describe(filters)}; repeat the filters of the page that printed it`,
    );
  }
  if ((kind === 'failure') !== 'at' in p) throw new InvalidCursorError('issued for another index');
  return p as K extends 'failure' ? FailurePosition : ScanPosition;
}

const describe = (f: CursorFilters) =>
  [
    `status ${f.s ?? '(any)'}`,
    `type ${f.t ?? '(any)'}`,
    ...(f.p ? [`priority ${f.p}`] : []),
    ...(f.a !== undefined ? [`after ${f.a}`] : []),
    ...(f.b !== undefined ? [`before ${f.b}`] : []),
  ].join(' and ');
