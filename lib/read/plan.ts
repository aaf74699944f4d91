/**
 * Scan planning: a pure function from a snapshot and an instant to the data files a read opens, in
 * read order, each with the reason it was chosen. No I/O happens here.
 *
 * @module
 */

import { AzofError } from "../errors.ts";
import { EVENT_TIME, KEY } from "../format/schema.ts";
import type { Segment, Snapshot } from "../format/snapshot.ts";
import { formatInstant } from "../format/time.ts";

/** Options of {@linkcode planScan}. */
export interface PlanOptions {
  /** The event-time instant (ms since the epoch) to read as of; omitted for the current state. */
  readonly asOf?: number | undefined;
  /** Output columns in output order; omitted for `key`, `event_time` and every schema column. */
  readonly columns?: readonly string[] | undefined;
}

/** One data file of a plan. */
export interface PlannedFile {
  /** The file, relative to the table folder. */
  readonly file: string;
  /** Whether the file is a segment's base or one of its deltas. */
  readonly kind: "base" | "delta";
  /** The ids from the top-level segment down to the segment holding the file, joined with `/`. */
  readonly segment: string;
  /** Why the plan reads this file, in words. */
  readonly reason: string;
}

/** What a scan will read, as data: {@linkcode planScan}'s result. */
export interface ScanPlan {
  /** The snapshot number planned against. */
  readonly snapshot: number;
  /** The instant read as of, or `null` for the current state. */
  readonly asOf: number | null;
  /** The output columns, in output order. */
  readonly columns: readonly string[];
  /** The files in read order: earlier files win ties between rows with equal `event_time`. */
  readonly files: readonly PlannedFile[];
}

/**
 * Plans an as-of read: which files to open, in which order, and why (the plan rule of docs/SPEC.md).
 *
 * A segment is in range for T when `start <= T <= end` (or `start <= T` when open); for the current
 * state, only open segments are. In-range segments contribute their in-range children's files first,
 * then their deltas with `start <= T`, newest start first, then their base.
 *
 * @param snapshot The snapshot to plan against.
 * @param options The instant and the output columns.
 * @returns The plan.
 * @throws {AzofError} `InputInvalid` for a column the table does not have.
 * @throws {TypeError} When `asOf` is not a whole number of ms (text, `NaN`, a `Date`).
 *
 * @example Plan a read of a one-segment table
 * ```ts
 * import { parseSnapshot, planScan } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const snapshot = parseSnapshot(JSON.stringify({
 *   schema: { columns: [] },
 *   segments: [{
 *     id: "10", start: "2024-01-01T00:00:00.000Z", file: "base.parquet",
 *     delta: [{ file: "d1.parquet", start: "2024-02-01T00:00:00.000Z", end: "2024-04-01T00:00:00.000Z" }],
 *   }],
 * }), 1);
 * const plan = planScan(snapshot, { asOf: Date.UTC(2024, 1, 17) });
 * assert.deepEqual(plan.files.map((f) => f.file), ["d1.parquet", "base.parquet"]);
 * ```
 */
export function planScan(snapshot: Snapshot, options: PlanOptions = {}): ScanPlan {
  const asOf = options.asOf ?? null;
  if (asOf !== null && !Number.isSafeInteger(asOf)) {
    const found = typeof asOf === "string" ? JSON.stringify(asOf) : String(asOf);
    throw new TypeError(
      `Invalid asOf ${found}: expected ms since the epoch (parse text with parseInstant())`,
    );
  }
  const names = [KEY, EVENT_TIME, ...snapshot.schema.columns.map((c) => c.name)];
  const columns = options.columns ?? names;
  for (const column of columns) {
    if (!names.includes(column)) {
      throw new AzofError(
        "InputInvalid",
        `Unknown column "${column}": the table has ${names.join(", ")}`,
      );
    }
  }
  const files: PlannedFile[] = [];
  for (const segment of snapshot.segments) {
    if (isInRange(segment, asOf)) _planSegment(segment, asOf, segment.id, files);
  }
  return { snapshot: snapshot.version, asOf, columns: [...columns], files };
}

/**
 * Tells whether a segment covers an instant: `start <= T <= end`, or `start <= T` when the segment
 * is open. For the current state (`null`), only open segments are in range.
 *
 * @param segment The segment.
 * @param asOf The instant, or `null` for the current state.
 * @returns `true` when the segment's files take part in the read.
 *
 * @example Closed and open segments
 * ```ts
 * import { isInRange } from "../../mod.ts";
 * const year2023 = { start: Date.UTC(2023, 0, 1), end: Date.UTC(2023, 11, 31, 23, 59, 59, 999) };
 * console.log(isInRange(year2023, Date.UTC(2023, 5, 30))); // true
 * console.log(isInRange(year2023, null)); // false: a closed segment is not current
 * console.log(isInRange({ start: Date.UTC(2024, 0, 1) }, null)); // true: an open segment
 * ```
 */
export function isInRange(segment: Pick<Segment, "start" | "end">, asOf: number | null): boolean {
  if (asOf === null) return segment.end === undefined;
  return segment.start <= asOf && (segment.end === undefined || asOf <= segment.end);
}

function _planSegment(
  segment: Segment,
  asOf: number | null,
  path: string,
  out: PlannedFile[],
): void {
  for (const child of segment.children) {
    if (isInRange(child, asOf)) _planSegment(child, asOf, `${path}/${child.id}`, out);
  }
  const deltas = segment.deltas
    .filter((d) => asOf === null || d.start <= asOf)
    .toSorted((a, b) => b.start - a.start);
  for (const delta of deltas) {
    const range = `${formatInstant(delta.start)} .. ${formatInstant(delta.end)}`;
    out.push({
      file: delta.file,
      kind: "delta",
      segment: path,
      reason: asOf === null
        ? `delta ${range} of open segment ${path}`
        : `delta ${range} of segment ${path} starts at or before the instant`,
    });
  }
  if (segment.base !== undefined) {
    const range = `${formatInstant(segment.start)} .. ${
      segment.end === undefined ? "open" : formatInstant(segment.end)
    }`;
    out.push({
      file: segment.base,
      kind: "base",
      segment: path,
      reason: asOf === null
        ? `base of open segment ${path} (${range})`
        : `base of segment ${path} (${range}), which covers the instant`,
    });
  }
}
