/**
 * Test and benchmark helper: how many copies of rows a table's layout holds, and checks of the
 * layout invariants compaction and routing keep (docs/SPEC.md §9.3, §9.8).
 *
 * @module
 */

import { openDataFile } from "../parquet/data_file.ts";
import { snapshotFiles, walkSegments } from "../format/segments.ts";
import type { Segment, Snapshot } from "../format/snapshot.ts";
import type { Table } from "../format/table.ts";

/** What {@linkcode countRows} found. */
export interface RowCount {
  /** Data files the snapshot names. */
  readonly files: number;
  /** Rows across those files, each file counted once. */
  readonly rows: number;
}

/**
 * Counts the rows of every data file a snapshot names (each file once, by its footer). Rows minus
 * the distinct (key, event_time) facts ever written is the number of copies the layout holds: base
 * rows repeating older facts, up and carry copies of late rows.
 *
 * @param table The table.
 * @param snapshot The snapshot.
 * @param only Count only these files (default: every file of the snapshot).
 * @returns Files and rows.
 */
export async function countRows(
  table: Table,
  snapshot: Snapshot,
  only?: ReadonlySet<string>,
): Promise<RowCount> {
  const files = snapshotFiles(snapshot).filter((f) => only === undefined || only.has(f));
  let rows = 0;
  for (const file of files) rows += (await openDataFile(table, file, snapshot.schema)).rows;
  return { files: files.length, rows };
}

/**
 * The files a snapshot names that an earlier one does not.
 *
 * @param before The earlier snapshot.
 * @param after The later snapshot.
 * @returns The new file names.
 */
export function newFiles(before: Snapshot, after: Snapshot): Set<string> {
  const old = new Set(snapshotFiles(before));
  return new Set(snapshotFiles(after).filter((f) => !old.has(f)));
}

/**
 * The open segments that sit below a closed one (a closed year with an open quarter): compaction
 * and routing must never leave one.
 *
 * @param segments The top-level segments.
 * @returns The paths of such segments (`2019/2019-04`), empty when there are none.
 */
export function openBelowClosed(segments: readonly Segment[]): string[] {
  const out: string[] = [];
  for (const { segment, ancestors } of walkSegments(segments)) {
    if (segment.end === undefined && ancestors.some((a) => a.end !== undefined)) {
      out.push([...ancestors, segment].map((s) => s.id).join("/"));
    }
  }
  return out;
}

/**
 * The most copies a late row at `t` may cost under SPEC §9.3, in a layout compacted by azof: its
 * home, an up copy per level, a carry per later segment with a base inside the top-level segments
 * covering `t`, and one per later top-level segment (none for their children).
 *
 * @param segments The top-level segments the row was routed against.
 * @param t The row's event time.
 * @returns The bound.
 */
export function lateRowBound(segments: readonly Segment[], t: number): number {
  let bound = 1;
  for (const top of segments) {
    if (top.start > t) bound++;
    else if (top.end === undefined || top.end >= t) {
      let depth = 0;
      for (const visit of walkSegments([top])) {
        depth = Math.max(depth, visit.depth);
        if (visit.segment.base !== undefined && visit.segment.start > t) bound++;
      }
      bound += depth; // an up copy per level below the top, at most
    }
  }
  return bound;
}
