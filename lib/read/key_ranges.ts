/**
 * Key ranges for distributed reads: a split of the key space into ranges of roughly equal rows,
 * from the `key` min/max statistics of the planned row groups (no data is read).
 *
 * @module
 */

import { compareBytes } from "../format/key_order.ts";

const _encoder = new TextEncoder();

/** A row group as the split sees it: its rows and its key statistics, when the footer has them. */
export interface GroupKeys {
  /** Number of rows. */
  readonly rows: number;
  /** A lower bound of the row group's keys. */
  readonly keyMin?: string | undefined;
  /** An upper bound of the row group's keys. */
  readonly keyMax?: string | undefined;
}

/** Keys from `start` (inclusive) to `end` (exclusive), in UTF-8 byte order; `null` is unbounded. */
export interface KeyRange {
  /** The smallest key of the range, or `null` for no lower bound. */
  readonly start: string | null;
  /** The first key after the range, or `null` for no upper bound. */
  readonly end: string | null;
  /** Rows of the row groups whose smallest key falls in the range (an estimate of its share). */
  readonly rows: number;
}

/**
 * Splits the key space into at most `splits` ranges of roughly equal rows. Boundaries are the
 * `keyMin` statistics of row groups, so a key-ordered file's row group lies in one range unless a
 * key spans two row groups; the ranges cover every key (the first starts at `null`, the last ends at
 * `null`). Row groups without statistics count towards no range.
 *
 * @param groups The planned row groups of every file.
 * @param splits The number of ranges wanted (at least 1).
 * @returns The ranges in key order; fewer than `splits` when there are too few distinct boundaries.
 *
 * @example Two row groups, two ranges
 * ```ts
 * import { splitKeyRanges } from "./key_ranges.ts";
 * import assert from "node:assert/strict";
 * const ranges = splitKeyRanges([
 *   { rows: 10, keyMin: "a", keyMax: "f" },
 *   { rows: 10, keyMin: "g", keyMax: "z" },
 * ], 2);
 * assert.deepEqual(ranges, [
 *   { start: null, end: "g", rows: 10 },
 *   { start: "g", end: null, rows: 10 },
 * ]);
 * ```
 */
export function splitKeyRanges(groups: readonly GroupKeys[], splits: number): KeyRange[] {
  if (!Number.isSafeInteger(splits) || splits < 1) {
    throw new RangeError(`Invalid number of splits ${splits}: expected a whole number >= 1`);
  }
  const known = groups
    .filter((g): g is GroupKeys & { keyMin: string } => g.keyMin !== undefined)
    .toSorted((a, b) => _compare(a.keyMin, b.keyMin));
  const total = known.reduce((sum, g) => sum + g.rows, 0);
  const bounds: string[] = [];
  let seen = 0;
  for (let i = 0; i < known.length; i++) {
    const group = known[i]!;
    const wanted = (total * (bounds.length + 1)) / splits;
    const last = bounds.at(-1) ?? known[0]!.keyMin;
    if (
      bounds.length < splits - 1 && seen >= wanted && seen > 0 &&
      _compare(group.keyMin, last) > 0
    ) bounds.push(group.keyMin);
    seen += group.rows;
  }
  const starts = [null, ...bounds];
  const ends = [...bounds, null];
  return starts.map((start, i) => ({
    start,
    end: ends[i]!,
    rows: known
      .filter((g) => inRange(g.keyMin, { start, end: ends[i]! }))
      .reduce((sum, g) => sum + g.rows, 0),
  }));
}

/**
 * Whether a key lies in a range.
 *
 * @param key The key.
 * @param range The range.
 * @returns `true` when `start <= key < end` (in UTF-8 byte order).
 */
export function inRange(key: string, range: Pick<KeyRange, "start" | "end">): boolean {
  return (range.start === null || _compare(key, range.start) >= 0) &&
    (range.end === null || _compare(key, range.end) < 0);
}

/**
 * Whether a row group may hold keys of a range, by its statistics (always, without them).
 *
 * @param group The row group.
 * @param range The range.
 * @returns `false` only when the statistics put every key of the group outside the range.
 */
export function overlaps(group: GroupKeys, range: Pick<KeyRange, "start" | "end">): boolean {
  if (group.keyMin === undefined || group.keyMax === undefined) return true;
  return (range.start === null || _compare(group.keyMax, range.start) >= 0) &&
    (range.end === null || _compare(group.keyMin, range.end) < 0);
}

/** Compares two strings in UTF-8 byte order (code point order, not JavaScript's UTF-16 order). */
function _compare(a: string, b: string): number {
  const x = _encoder.encode(a);
  const y = _encoder.encode(b);
  return compareBytes(x, 0, x.length, y, 0, y.length);
}
